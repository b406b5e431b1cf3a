public import Foundation
public import Store
public import TLSRPT

/// Counts TLS sessions into the store for the daily reports: those the collector receives from an MTA and those of
/// Stockade's own SMTP client.
public struct TLSSessionRecorder: Sendable {
    let store: any TLSSessionStore

    /// - Parameter store: where the counts are kept.
    public init(store: any TLSSessionStore) { self.store = store }

    /// Counts every policy of `datagram` as one session of its domain on the UTC day of `time`.
    public func record(_ datagram: CollectorDatagram, at time: Date) async throws(StoreError) {
        try await record(datagram.policies, domain: datagram.domain, at: time)
    }

    /// Counts `sessions` (one per policy applied to a delivery to `domain`) on the UTC day of `time`.
    public func record(_ sessions: [CollectorSession], domain: String, at time: Date) async throws(StoreError) {
        let day = Self.day(containing: time)
        try await store.recordTLSSessions(sessions.map { session in
            TLSSessionRecord(day: day, domain: domain, policy: session.policy.storageText, failed: session.failed,
                             failures: session.failures.map(\.storageText))
        })
    }

    /// The start (00:00:00 UTC) of the day containing `time`: reports cover whole UTC days (RFC 8460 §4.1).
    public static func day(containing time: Date) -> Date {
        Date(timeIntervalSince1970: (time.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }
}
