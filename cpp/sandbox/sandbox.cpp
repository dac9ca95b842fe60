#include "sandbox/sandbox.hpp"

#include <cerrno>
#include <cstring>

#if defined(__linux__)
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>
#endif

namespace pyrec::sandbox {

#if defined(__linux__)
namespace {

#if defined(__x86_64__)
constexpr unsigned kNativeArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr unsigned kNativeArch = AUDIT_ARCH_AARCH64;
#else
constexpr unsigned kNativeArch = 0;  // unknown: no filter (doctor says so)
#endif

constexpr unsigned kRefuse = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);

// The filter, as a classic-BPF program over struct seccomp_data:
//  - a system call from another ABI (i386 int 0x80, x32) is refused outright:
//    it could reach socketcall() by a number this filter does not check;
//  - io_uring_setup is refused: io_uring can create and connect sockets
//    without ever calling socket();
//  - socket(domain, ...) is allowed only for AF_UNIX (X11, D-Bus, pipes
//    between our processes) and AF_NETLINK (talks only to the local kernel:
//    udev, interface lists); every family that reaches another machine
//    (INET, INET6, PACKET, BLUETOOTH, VSOCK, ...) fails with EPERM.
// An allow-list, so an address family added to the kernel later is refused too.
sock_filter kFilter[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kNativeArch, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, kRefuse),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
#if defined(__x86_64__)
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u /* __X32_SYSCALL_BIT */, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, kRefuse),
#endif
#ifdef __NR_io_uring_setup
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, kRefuse),
#endif
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    // args[0] is 64 bits wide; the domain is an int, read its low word
    // (little-endian on both supported architectures).
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, args[0])),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 2, 0),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 1, 0),
    BPF_STMT(BPF_RET | BPF_K, kRefuse),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

bool g_denied = false;

std::string errno_text(const char* what) {
    return std::string(what) + ": " + std::strerror(errno);
}

}  // namespace

GuardStatus deny_network() {
    if (g_denied) return {true, "seccomp", ""};
    if (kNativeArch == 0) return {false, "", "no seccomp filter for this CPU architecture"};
    // Without no_new_privs an unprivileged process may not install a filter;
    // it also keeps a setuid child from shedding it.
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return {false, "", errno_text("PR_SET_NO_NEW_PRIVS")};
    sock_fprog program{static_cast<unsigned short>(sizeof(kFilter) / sizeof(kFilter[0])), kFilter};
    // TSYNC: every thread already running (ONNX Runtime's pool, Qt's) gets the
    // filter too, not just the calling one.
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &program);
    if (rc != 0) {
        if (rc > 0) return {false, "", "seccomp: thread " + std::to_string(rc) + " could not be synchronised"};
        return {false, "", errno_text("seccomp")};
    }
    g_denied = true;
    return {true, "seccomp", ""};
}

bool network_denied() { return g_denied; }

bool die_with_parent(int signal) { return prctl(PR_SET_PDEATHSIG, signal, 0, 0, 0) == 0; }

#else  // not Linux: no kernel-level guard here; the Python audit hook remains.

GuardStatus deny_network() { return {false, "", "no seccomp on this platform"}; }
bool network_denied() { return false; }
bool die_with_parent(int) { return false; }

#endif

}  // namespace pyrec::sandbox
