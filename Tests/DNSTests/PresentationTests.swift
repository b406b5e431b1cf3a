import DNS
import Testing

/// Stockade's decoder and printer against `dig +short`, for the same names on the lab's authoritative nsd.
@Suite("Presentation format equals dig +short (lab)")
struct PresentationTests {
    static let cases: [(String, String)] = [
        ("www.secure.test", "A"), ("www.secure.test", "AAAA"), ("alias1.secure.test", "CNAME"), ("secure.test", "NS"),
        ("secure.test", "SOA"), ("secure.test", "MX"), ("secure.test", "TXT"), ("multi.secure.test", "TXT"),
        ("big.secure.test", "TXT"), ("_submission._tcp.secure.test", "SRV"), ("ptr.secure.test", "PTR"),
        ("secure.test", "CAA"), ("_25._tcp.mx1.secure.test", "TLSA"), ("_25._tcp.mx2.secure.test", "TLSA"),
        ("child.secure.test", "DS"), ("secure.test", "DNSKEY"), ("www.secure.test", "RRSIG"), ("www.secure.test", "NSEC"),
        ("2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db._openpgpkey.secure.test", "OPENPGPKEY"),
        ("unknown.secure.test", "TYPE65280"), ("nsec3.test", "DNSKEY"),
    ]

    @Test(arguments: cases)
    func matchesDigShort(name: String, type: String) async throws {
        let server = try Lab.authoritativeAddress()
        let expected = try Lab.dig(["+short", "+tcp", name, type], server: server).sorted()
        let answer = try await Lab.authoritativeResolver().resolve(name, RecordType(type)!)
        let ours = answer.records.filter { $0.type == RecordType(type)! }.map(\.data.presentation).sorted()
        #expect(!expected.isEmpty, "dig found no \(type) at \(name)")
        #expect(ours == expected)
    }

    /// NSEC3 records only appear in denial answers: compare the authority section of a lookup in nsec3.test.
    @Test func nsec3MatchesDig() async throws {
        let server = try Lab.authoritativeAddress()
        let lines = try Lab.dig(["+dnssec", "+noall", "+authority", "+tcp", "nope.nsec3.test", "A"], server: server)
        let expected = lines.compactMap { line -> String? in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count > 4, fields[3] == "NSEC3" else { return nil }
            return "\(fields[0].lowercased()) " + fields[4...].joined(separator: " ")
        }.sorted()
        let answer = try await Lab.authoritativeResolver().resolve("nope.nsec3.test", .a)
        #expect(answer.isNXDomain)
        let ours = answer.authority.filter { $0.type == .nsec3 }.map { "\($0.name.description.lowercased()) \($0.data.presentation)" }.sorted()
        #expect(expected.count >= 2)
        #expect(ours == expected)
    }
}
