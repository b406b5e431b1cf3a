@testable import DNS
import Testing

/// `BoundedMemo`, the capped memo SPF and DKIM keep parsed records in.
@Suite struct BoundedMemoTests {
    @Test func holdsAtMostItsCapacityAndComputesOncePerKey() {
        let memo = BoundedMemo<Int, String>(capacity: 4)
        var made = 0
        for key in 0..<10 {
            #expect(memo.value(for: key) { made += 1; return "v\($0)" } == "v\(key)")
            #expect(memo.count == min(key + 1, 4))
        }
        #expect(made == 10)
        // The newest key is always kept: a second request is a hit.
        #expect(memo.value(for: 9) { made += 1; return "again\($0)" } == "v9")
        #expect(made == 10)
        #expect(memo.count == 4)
    }

    @Test func capacityZeroKeepsNothing() {
        let memo = BoundedMemo<Int, Int>(capacity: 0)
        #expect(memo.value(for: 1) { $0 * 2 } == 2)
        #expect(memo.count == 0)
    }

    @Test func octetKeysCompareByContent() {
        #expect(OctetKey([1, 2, 3]) == OctetKey([1, 2, 3]))
        #expect(OctetKey([1, 2, 3]) != OctetKey([1, 2]))
        #expect(Set([OctetKey([1, 2, 3]), OctetKey([1, 2, 3]), OctetKey([])]).count == 2)
    }
}
