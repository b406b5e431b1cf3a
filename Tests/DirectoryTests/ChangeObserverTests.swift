import Directory
import Foundation
import Store
import Synchronization
import TestSupport
import Testing

/// Observers of the directory's changes (issue 20): told of every write through the directory and every change
/// applied from a feed, after the cached decisions it affects were dropped.
@Suite struct ChangeObserverTests {
    @Test func writesAndAppliedChangesReachTheObservers() async throws {
        let path = temporaryDatabasePath()
        defer { removeDatabase(path) }
        let directory = Directory(store: try SQLiteStore(path: path))
        let seen = Mutex<[DirectoryChange]>([])
        directory.observeChanges { change in seen.withLock { $0.append(change) } }
        func take() -> [DirectoryChange] { seen.withLock { let all = $0; $0 = []; return all } }

        try await directory.addDomain("example.org", kind: .provider)
        #expect(take() == [.everything])
        _ = try await directory.publication(domain: "example.org", wkdHash: "kei1q4tipxxu1yj79k9kfukdhfy631xe")
        #expect(take() == [])  // a read changes nothing
        #expect(directory.cachedDecisions == 1)

        directory.apply(.address(domain: "example.org", wkdHash: "other"))
        #expect(directory.cachedDecisions == 1)
        directory.apply(.address(domain: "example.org", wkdHash: "kei1q4tipxxu1yj79k9kfukdhfy631xe"))
        #expect(directory.cachedDecisions == 0)
        directory.apply(.domain("example.org"))
        directory.apply(.publishedKey(fingerprint: "0123456789ABCDEF0123456789ABCDEF01234567"))
        directory.apply(.publishedAddress("alice@example.org"))
        #expect(take() == [.address(domain: "example.org", wkdHash: "other"),
                           .address(domain: "example.org", wkdHash: "kei1q4tipxxu1yj79k9kfukdhfy631xe"),
                           .domain("example.org"),
                           .publishedKey(fingerprint: "0123456789ABCDEF0123456789ABCDEF01234567"),
                           .publishedAddress("alice@example.org")])
    }
}
