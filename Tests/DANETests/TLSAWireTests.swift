import DANE
import DNS
import TestSupport
import Testing

/// TLSA records from the wire (RFC 6698 §2.1) with random RDATA: decoded or refused with a typed error, never a crash,
/// and every decoded record gets a usability answer that agrees with its fields.
@Suite struct TLSAWireTests {
    @Test("random TLSA RDATA through the DNS decoder and the SMTP usability rules")
    func randomRData() throws {
        var generator = SeededGenerator(state: 6698)
        let owner = try DNSName("_25._tcp.mx.example.test")
        var decoded = 0, refused = 0, usable = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...70, using: &generator)
            var rdata = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if length >= 3, Bool.random(using: &generator) {  // half with plausible parameters
                rdata[0] = .random(in: 0...4, using: &generator)
                rdata[1] = .random(in: 0...2, using: &generator)
                rdata[2] = .random(in: 0...3, using: &generator)
            }
            let message = Message(header: Header(id: 1, isResponse: true),
                                  answers: [ResourceRecord(name: owner, type: .tlsa, ttl: 300, data: .unknown(rdata))])
            do {
                let parsed = try Message(bytes: message.bytes)
                guard case .tlsa(let tlsa) = try #require(parsed.answers.first).data else {
                    Issue.record("a TLSA answer decoded as something else")
                    continue
                }
                decoded += 1
                #expect([tlsa.usage, tlsa.selector, tlsa.matchingType] + tlsa.data == rdata)
                if case .success = tlsa.smtpUsability { usable += 1 }
            } catch {
                refused += 1
                #expect(length < 3, "only RDATA shorter than the three parameter octets may be refused: \(error)")
            }
        }
        #expect(decoded + refused == 20_000)
        #expect(usable > 100)
    }
}
