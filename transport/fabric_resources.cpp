// RAII owners for libfabric objects, and the error helpers the fabric backend uses.
#include "renoir/transport/fabric_resources.hpp"

#include <rdma/fi_errno.h>

#include <cstring>

namespace renoir::transport::detail {

std::string fabric_error_text(long rc) {
  return std::string(fi_strerror(static_cast<int>(rc < 0 ? -rc : rc))) + " (" + std::to_string(rc) +
         ")";
}

void check_fabric(long rc, const std::string& what) {
  if (rc < 0) throw TransportError(what + ": " + fabric_error_text(rc));
}

InfoPtr make_rdm_hints(const std::string& provider, bool source_caps) {
  InfoPtr hints(fi_allocinfo());
  if (!hints) throw TransportError("fi_allocinfo: out of memory");
  hints->ep_attr->type = FI_EP_RDM;
  hints->caps = FI_MSG | (source_caps ? FI_SOURCE : 0);
  // Every operation gets a fi_context2 of ours, which satisfies both context modes.
  hints->mode = FI_CONTEXT | FI_CONTEXT2;
  hints->domain_attr->mr_mode = FI_MR_LOCAL | FI_MR_ALLOCATED | FI_MR_PROV_KEY | FI_MR_VIRT_ADDR;
  hints->domain_attr->threading = FI_THREAD_DOMAIN;  // the transport serializes all calls
  hints->tx_attr->msg_order = FI_ORDER_SAS;
  hints->rx_attr->msg_order = FI_ORDER_SAS;
  hints->fabric_attr->prov_name = strdup(provider.c_str());  // freed by fi_freeinfo
  return hints;
}

InfoPtr get_info(const fi_info& hints, const std::string& node, const std::string& service,
                 std::uint64_t flags) {
  fi_info* info = nullptr;
  int rc = fi_getinfo(FI_VERSION(1, 17), node.c_str(), service.c_str(), flags,
                      const_cast<fi_info*>(&hints), &info);
  if (rc != 0 || !info)
    throw TransportError("libfabric provider \"" + std::string(hints.fabric_attr->prov_name) +
                         "\" offers no reliable-datagram endpoint for " + node + ":" + service +
                         ": fi_getinfo: " + fabric_error_text(rc) +
                         (rc == -FI_ENODATA ? " (is the provider available on this host? "
                                              "`fi_info -l` lists them)"
                                            : ""));
  return InfoPtr(info);
}

FidPtr<fid_fabric> open_fabric(fi_info& info) {
  fid_fabric* f = nullptr;
  check_fabric(fi_fabric(info.fabric_attr, &f, nullptr), "fi_fabric");
  return FidPtr<fid_fabric>(f);
}

FidPtr<fid_domain> open_domain(fid_fabric& fabric, fi_info& info) {
  fid_domain* d = nullptr;
  check_fabric(fi_domain(&fabric, &info, &d, nullptr), "fi_domain");
  return FidPtr<fid_domain>(d);
}

FidPtr<fid_cq> open_cq(fid_domain& domain, std::size_t size) {
  fi_cq_attr attr{};
  attr.size = size;
  attr.format = FI_CQ_FORMAT_MSG;
  attr.wait_obj = FI_WAIT_NONE;  // we poll: rxm and shm need manual progress anyway
  fid_cq* cq = nullptr;
  check_fabric(fi_cq_open(&domain, &attr, &cq, nullptr), "fi_cq_open");
  return FidPtr<fid_cq>(cq);
}

FidPtr<fid_av> open_av(fid_domain& domain, std::size_t count) {
  fi_av_attr attr{};
  attr.type = FI_AV_TABLE;
  attr.count = count;
  fid_av* av = nullptr;
  check_fabric(fi_av_open(&domain, &attr, &av, nullptr), "fi_av_open");
  return FidPtr<fid_av>(av);
}

FidPtr<fid_ep> open_endpoint(fid_domain& domain, fi_info& info) {
  fid_ep* ep = nullptr;
  check_fabric(fi_endpoint(&domain, &info, &ep, nullptr), "fi_endpoint");
  return FidPtr<fid_ep>(ep);
}

FidPtr<fid_mr> register_memory(fid_domain& domain, void* buf, std::size_t len, std::uint64_t access,
                               std::uint64_t key) {
  fid_mr* mr = nullptr;
  check_fabric(fi_mr_reg(&domain, buf, len, access, 0, key, 0, &mr, nullptr), "fi_mr_reg");
  return FidPtr<fid_mr>(mr);
}

}  // namespace renoir::transport::detail
