import DNS
import Foundation
import Testing

/// `rfc7208-tests.json`: the RFC 7208 test suite as `Fixtures/convert-suite.py` writes it from the YAML.
struct SuiteScenario: Decodable, Sendable, CustomTestStringConvertible {
    struct Case: Decodable, Sendable {
        let name: String
        let spec: String
        let helo: String
        let host: String
        let mailfrom: String
        /// Any of these is right.
        let results: [String]
        /// The expected explanation; `DEFAULT` stands for the implementation's default, which Stockade does not
        /// have (only `exp=` gives an explanation).
        let explanation: String?
    }

    struct Node: Decodable, Sendable {
        struct Record: Decodable, Sendable {
            let type: String
            let value: String?
            let strings: [String]?
            let preference: UInt16?
            let exchange: String?
        }

        let records: [Record]
        let timeout: Bool
    }

    let description: String
    let tests: [Case]
    let zone: [String: Node]

    var testDescription: String { description }

    /// Every scenario of the suite, in file order.
    static func load() throws -> [SuiteScenario] {
        let url = fixtures.appendingPathComponent("rfc7208-tests.json")
        return try JSONDecoder().decode([SuiteScenario].self, from: Data(contentsOf: url))
    }

    /// The zone an authoritative server answers this scenario from.
    func scenarioZone() throws -> ScenarioZone {
        var result = ScenarioZone()
        for (text, node) in zone {
            let name = try DNSName(text)
            result.nodes[name, default: ScenarioZone.Node()].timesOut = node.timeout
            for record in node.records {
                let value = record.value ?? ""
                switch record.type {
                case "A": result.add(name, .a, .a(try #require(IPv4Address(value))))
                case "AAAA": result.add(name, .aaaa, .aaaa(try #require(IPv6Address(value))))
                case "PTR": result.add(name, .ptr, .ptr(try DNSName(value)))
                case "CNAME": result.add(name, .cname, .cname(try DNSName(value)))
                case "MX": result.add(name, .mx, .mx(MX(preference: try #require(record.preference), exchange: try DNSName(try #require(record.exchange)))))
                case "TXT":
                    // A TXT record without strings cannot travel (RFC 1035 §3.3.14 needs one): one empty string is
                    // the nearest a real server can publish.
                    let strings = try #require(record.strings).map { Array($0.utf8) }
                    result.add(name, .txt, .txt(strings.isEmpty ? [[]] : strings))
                default: Issue.record("unknown record type \(record.type) at \(text)")
                }
            }
        }
        return result
    }
}

/// The folder of the SPF test fixtures, next to this file.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
