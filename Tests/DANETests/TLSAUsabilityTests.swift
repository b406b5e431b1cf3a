import DANE
import DNS
import TestSupport
import Testing

/// RFC 7672 §3.1 and RFC 7671 §4: which TLSA records an SMTP client may use.
@Suite struct TLSAUsabilityTests {
    private func record(_ usage: UInt8, _ selector: UInt8, _ type: UInt8, length: Int) -> TLSA {
        TLSA(usage: usage, selector: selector, matchingType: type, data: [UInt8](repeating: 0xAB, count: length))
    }

    @Test("RFC 7672 §3.1.3: PKIX-TA(0) and PKIX-EE(1) are unusable for SMTP")
    func pkixUsagesAreUnusable() {
        #expect(record(0, 0, 1, length: 32).smtpUsability == .failure(.pkixUsage(0)))
        #expect(record(1, 1, 1, length: 32).smtpUsability == .failure(.pkixUsage(1)))
    }

    @Test("RFC 7672 §3.1.1/§3.1.2: DANE-TA(2) and DANE-EE(3) with every defined selector and matching type are usable")
    func daneUsagesAreUsable() throws {
        for usage: UInt8 in [2, 3] {
            for selector: UInt8 in [0, 1] {
                for (type, length) in [(UInt8(0), 91), (1, 32), (2, 64)] {
                    let usable = try record(usage, selector, type, length: length).smtpUsability.get()
                    #expect(usable.usage.rawValue == usage && usable.selector.rawValue == selector
                            && usable.matchingType.rawValue == type && usable.data.count == length)
                }
            }
        }
    }

    @Test("RFC 6698 §2.1 / RFC 7671 §4: unknown parameters and wrong digest lengths are unusable")
    func malformedRecordsAreUnusable() {
        #expect(record(4, 1, 1, length: 32).smtpUsability == .failure(.unknownUsage(4)))
        #expect(record(255, 1, 1, length: 32).smtpUsability == .failure(.unknownUsage(255)))
        #expect(record(3, 2, 1, length: 32).smtpUsability == .failure(.unknownSelector(2)))
        #expect(record(3, 1, 3, length: 32).smtpUsability == .failure(.unknownMatchingType(3)))
        #expect(record(3, 1, 1, length: 16).smtpUsability
                == .failure(.wrongDigestLength(matchingType: 1, expected: 32, actual: 16)))
        #expect(record(2, 0, 2, length: 32).smtpUsability
                == .failure(.wrongDigestLength(matchingType: 2, expected: 64, actual: 32)))
        #expect(record(3, 1, 1, length: 33).smtpUsability
                == .failure(.wrongDigestLength(matchingType: 1, expected: 32, actual: 33)))
        #expect(record(3, 1, 0, length: 0).smtpUsability == .failure(.emptyData))
    }

    @Test("A TLSA set splits into usable and unusable records, keeping each reason")
    func recordSetSplits() {
        let set = DANERecords(hostName: "mx.example.test", baseDomain: "mx.example.test", port: 25,
                              records: [record(3, 1, 1, length: 32), record(1, 1, 1, length: 32), record(3, 1, 1, length: 20)])
        #expect(set.usable.count == 1)
        #expect(set.unusable.map(\.reason) == [.pkixUsage(1), .wrongDigestLength(matchingType: 1, expected: 32, actual: 20)])
        #expect(!set.isUnusable)
        #expect(set.ownerName == "_25._tcp.mx.example.test")
    }

    @Test("Random TLSA records: usability is decided for every one, usable ones always have DANE usages and right lengths")
    func randomRecords() {
        var generator = SeededGenerator(state: 7)
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...80, using: &generator)
            let tlsa = TLSA(usage: .random(in: 0...5, using: &generator), selector: .random(in: 0...3, using: &generator),
                            matchingType: .random(in: 0...3, using: &generator),
                            data: (0..<length).map { _ in .random(in: 0...255, using: &generator) })
            if case .success(let usable) = tlsa.smtpUsability {
                #expect(usable.usage == .daneTA || usable.usage == .daneEE)
                #expect(usable.matchingType.digestLength.map { $0 == length } ?? (length > 0))
                #expect(usable.record == tlsa)
            }
        }
    }
}
