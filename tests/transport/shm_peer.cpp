// A shm transport peer in a process of its own, for tests/transport/shm_test.cpp:
//   shm_peer SELF ADDR0 ADDR1 echo   connect, echo one message back, exit 0 (3 on an error)
//   shm_peer SELF ADDR0 ADDR1 die    open the transport, then die by SIGKILL (leaving its region)
#include <csignal>
#include <cstdio>
#include <cstring>
#include <renoir/transport/fabric_transport.hpp>

using namespace renoir::transport;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: shm_peer SELF ADDR0 ADDR1 echo|die\n");
    return 2;
  }
  try {
    const PeerId self = static_cast<PeerId>(std::atoi(argv[1]));
    FabricTransport t(TransportConfig{{argv[2], argv[3]}, self, "shm-test-secret"},
                      FabricOptions{"shm", 8});
    if (std::strcmp(argv[4], "die") == 0) std::raise(SIGKILL);
    t.connect_all(5s);
    std::vector<Delivery> got;
    t.wait(got, 5s);
    if (got.size() != 1) throw std::runtime_error("no message");
    t.send(1 - self, got[0].channel, got[0].kind, got[0].payload, 5s);
    if (!t.flush(5s)) throw std::runtime_error("could not flush");
    t.wait(got, 200ms);  // let the other side take our last frames
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shm_peer: %s\n", e.what());
    return 3;
  }
}
