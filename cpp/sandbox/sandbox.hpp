// Process-level guards the Python side installs at start-up of every pyrec
// process (CLI, GUI, scan workers). They act below Python, so native code
// (ONNX Runtime, FFmpeg, Qt, any future dependency) is held to them too.
#pragma once
#include <string>

namespace pyrec::sandbox {

// Why the network guard is or is not active, for `pyrec doctor`.
struct GuardStatus {
    bool active;
    std::string mechanism;  // "seccomp" or "" when unavailable
    std::string detail;     // reason when inactive
};

// Refuse socket() for every address family but AF_UNIX and AF_NETLINK, in
// every thread of this process and in all its future children. One-way.
// Idempotent: a second call reports the guard already active.
GuardStatus deny_network();

// True once deny_network() succeeded in this process (or a parent).
bool network_denied();

// Ask the kernel to send `signal` to this process when its parent dies
// (Linux PR_SET_PDEATHSIG). Returns false where the platform has no such call.
bool die_with_parent(int signal);

}  // namespace pyrec::sandbox
