// RAII owners for libfabric objects, and the error helpers the fabric backend uses.
#pragma once

#include <rdma/fabric.h>
#include <rdma/fi_domain.h>
#include <rdma/fi_endpoint.h>

#include <memory>
#include <string>

#include "renoir/transport/transport.hpp"

namespace renoir::transport::detail {

/// Closes any fid-bearing libfabric object (fid_fabric, fid_domain, fid_cq, fid_av, fid_ep,
/// fid_mr): unique_ptr<T, FidCloser> is the owner of one resource.
struct FidCloser {
  template <class T>
  void operator()(T* p) const noexcept {
    if (p) fi_close(&p->fid);
  }
};
template <class T>
using FidPtr = std::unique_ptr<T, FidCloser>;

struct InfoDeleter {
  void operator()(fi_info* info) const noexcept { fi_freeinfo(info); }
};
using InfoPtr = std::unique_ptr<fi_info, InfoDeleter>;

/// "No data available (-61)".
std::string fabric_error_text(long rc);
/// Throws TransportError "<what>: <fi_strerror> (<rc>)" if rc is negative.
void check_fabric(long rc, const std::string& what);

/// The hints for an RDM endpoint of `provider` sending untagged messages, ordered per pair
/// (FI_ORDER_SAS, which the handshake relies on). `source_caps` asks for FI_SOURCE reporting.
InfoPtr make_rdm_hints(const std::string& provider, bool source_caps);
/// fi_getinfo for node:service (FI_SOURCE in `flags`: our own address). Throws a
/// TransportError naming the provider and the address if nothing matches.
InfoPtr get_info(const fi_info& hints, const std::string& node, const std::string& service,
                 std::uint64_t flags);

FidPtr<fid_fabric> open_fabric(fi_info& info);
FidPtr<fid_domain> open_domain(fid_fabric& fabric, fi_info& info);
FidPtr<fid_cq> open_cq(fid_domain& domain, std::size_t size);
FidPtr<fid_av> open_av(fid_domain& domain, std::size_t count);
FidPtr<fid_ep> open_endpoint(fid_domain& domain, fi_info& info);
/// Registers [buf, buf+len) for `access` (FI_SEND / FI_RECV), for providers with FI_MR_LOCAL.
FidPtr<fid_mr> register_memory(fid_domain& domain, void* buf, std::size_t len, std::uint64_t access,
                               std::uint64_t key);

}  // namespace renoir::transport::detail
