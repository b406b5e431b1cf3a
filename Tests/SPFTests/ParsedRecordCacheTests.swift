import DNS
@testable import SPF
import Synchronization
import TestSupport
import Testing

/// The checker's memo of parsed records (``SPFChecker/parsedRecordCapacity``): a record parsed once gives exactly the
/// verdicts of a fresh parse, and the memo never holds more than its capacity.
@Suite("SPF parsed-record memo")
struct ParsedRecordCacheTests {
    /// Serves the TXT record set last, with `InMemoryResolver`'s other answers, so one checker sees many records.
    final class ChangingResolver: SPFResolver {
        let record = Mutex<[UInt8]>([])

        func resolve(_ name: DNSName, _ type: RecordType) async throws(DNSError) -> Answer {
            try await InMemoryResolver(record: record.withLock { $0 }).resolve(name, type)
        }
    }

    /// 10 000 mutated records, each checked twice through one long-lived checker (the second from the memo) and once
    /// through a new checker: the three verdicts are equal, reasons, explanations and mechanisms included.
    @Test func memoizedRecordsGiveTheVerdictsOfAFreshParse() async throws {
        var generator = SeededGenerator(state: 7208_2)
        let client = try ClientAddress("192.0.2.1")
        let resolver = ChangingResolver()
        let shared = SPFChecker(resolver: resolver, now: { 1_700_000_000 })
        for index in 0..<10_000 {
            let input = RecordMutationTests.mutate(Array(RecordMutationTests.seeds[index % RecordMutationTests.seeds.count].utf8), &generator)
            resolver.record.withLock { $0 = input }
            let first = await shared.check(client: client, mailFrom: "user@example.com", helo: "mail.example.com")
            let second = await shared.check(client: client, mailFrom: "user@example.com", helo: "mail.example.com")
            let fresh = await SPFChecker(resolver: InMemoryResolver(record: input), now: { 1_700_000_000 })
                .check(client: client, mailFrom: "user@example.com", helo: "mail.example.com")
            #expect(first == fresh, "\(String(decoding: input, as: UTF8.self))")
            #expect(second == fresh, "\(String(decoding: input, as: UTF8.self))")
        }
        #expect(shared.parsedRecords.count == SPFChecker<ChangingResolver>.parsedRecordCapacity)
    }

    /// The memo stops at 512 records, however many distinct ones a checker sees; a known record still passes.
    @Test func memoIsBoundedAt512Records() async throws {
        #expect(SPFChecker<ChangingResolver>.parsedRecordCapacity == 512)
        let client = try ClientAddress("192.0.2.1")
        let resolver = ChangingResolver()
        let checker = SPFChecker(resolver: resolver)
        for index in 0..<600 {
            resolver.record.withLock { $0 = Array("v=spf1 ip4:192.0.2.1 ip4:198.51.100.\(index % 256)/\(index / 256 + 24) -all".utf8) }
            let verdict = await checker.check(client: client, mailFrom: "user@example.com", helo: "mail.example.com")
            #expect(verdict.result == .pass)
            #expect(verdict.mechanism == "ip4:192.0.2.1")
            #expect(checker.parsedRecords.count == min(index + 1, 512))
        }
    }
}
