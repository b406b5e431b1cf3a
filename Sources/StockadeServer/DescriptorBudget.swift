#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the listeners' connection caps inside the process's open-file limit, so a flood of connections is refused
/// at the listener instead of filling the descriptor table. A full table is fatal on Linux, not merely an error:
/// libdispatch's worker-pool monitor opens `/proc/<tid>/stat` about once a second while Swift concurrency has queued
/// work, and crashes the process ("workq: registered worker exited prematurely", SIGILL) when that `open` fails with
/// EMFILE (swift-corelibs-libdispatch `src/event/workqueue.c`, `_dispatch_workq_count_runnable_workers`).
///
/// The split: ``reserved`` descriptors for the server's own files (event loops, the database, logs), and
/// ``perSocketmapConnection`` for each socketmap connection (its socket plus the DNS and HTTPS lookups a request
/// opens); the socketmap gets at most half of the rest, HTTP what the socketmap leaves.
struct DescriptorBudget: Equatable {
    static let reserved = 64
    static let perSocketmapConnection = 4
    /// The soft limit is raised to the hard one, up to this many descriptors.
    static let raiseUpTo = 65_536

    /// The soft `RLIMIT_NOFILE` of the process.
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// The process's limit, after raising its soft limit towards the hard one (as Go's runtime does); nil when it
    /// cannot be read.
    static func current(raise: Bool = true) -> DescriptorBudget? {
        var value = rlimit()
        guard getrlimit(resource, &value) == 0 else { return nil }
        if raise, value.rlim_cur != Self.infinity, value.rlim_cur < min(value.rlim_max, rlim_t(raiseUpTo)) {
            var raised = value
            raised.rlim_cur = min(value.rlim_max, rlim_t(raiseUpTo))
            if setrlimit(resource, &raised) == 0 { value = raised }
        }
        return DescriptorBudget(limit: value.rlim_cur == Self.infinity ? Int.max / 2 : Int(value.rlim_cur))
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    private static let infinity = rlim_t.max
    #else
    private static let resource = RLIMIT_NOFILE
    private static let infinity = RLIM_INFINITY
    #endif

    /// The socketmap listener's cap: the configured one, within half of the table.
    func socketmapCap(configured: Int) -> Int {
        max(1, min(configured, (limit - Self.reserved) / 2 / Self.perSocketmapConnection))
    }

    /// The HTTP listener's cap: the configured one, within what the reserve and the socketmap leave.
    func httpCap(configured: Int, socketmapCap: Int?) -> Int {
        max(1, min(configured, limit - Self.reserved - (socketmapCap ?? 0) * Self.perSocketmapConnection))
    }
}
