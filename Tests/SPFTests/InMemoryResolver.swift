import DNS
import SPF

/// An `SPFResolver` without a network: a TXT record at `example.com`, an A record (192.0.2.1) at every name whose
/// first label starts with `a`, an MX record (to `a.example.com`) at every name starting with `m`, NXDOMAIN elsewhere.
struct InMemoryResolver: SPFResolver {
    static let domain = try! DNSName("example.com")
    let record: [UInt8]

    func resolve(_ name: DNSName, _ type: RecordType) async throws(DNSError) -> Answer {
        let first = name.labels.first?.first.map { $0 | 0x20 }
        var records: [ResourceRecord] = []
        var code = ResponseCode.noError
        switch type {
        case .txt where name == Self.domain: records = [ResourceRecord(name: name, type: .txt, ttl: 300, data: .txt([record]))]
        case .a where first == UInt8(ascii: "a"): records = [ResourceRecord(name: name, type: .a, ttl: 300, data: .a(IPv4Address("192.0.2.1")!))]
        case .mx where first == UInt8(ascii: "m"):
            records = [ResourceRecord(name: name, type: .mx, ttl: 300, data: .mx(MX(preference: 10, exchange: try DNSName("a.example.com"))))]
        default: code = name == Self.domain ? .noError : .nameError
        }
        return Answer(question: Question(name: name, type: type), responseCode: code, dnssec: .insecure, records: records,
                      canonicalName: name, server: "memory", transport: .cache)
    }
}
