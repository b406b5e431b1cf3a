import ArgumentParser
import DNS

/// `stockade dns NAME TYPE`: one lookup with its DNSSEC status.
struct DNSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dns",
        abstract: "Look up a name and say whether DNSSEC proved the answer.",
        discussion: """
            Prints the answer section as dig does, then `status:` and `dnssec: secure|insecure|bogus|indeterminate`.
            Example: stockade dns secure.test MX --resolver 127.0.0.1:53531
            """)

    @Argument(help: "The domain name.") var name: String
    @Argument(help: "The record type (A, AAAA, MX, TXT, TLSA, ... or TYPEnnn).") var type: String = "A"
    @OptionGroup var resolverOptions: ResolverOptions
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard RecordType(type) != nil else { throw ValidationError("unknown record type \(type)") }
        do { _ = try DNSName(name) } catch { throw ValidationError(error.reason) }
    }

    func run() async throws {
        let resolver = try resolverOptions.makeResolver()
        let answer = try await resolver.resolve(try DNSName(name), RecordType(type)!)
        let shown = answer.records.filter { $0.type != .rrsig || answer.question.type == .rrsig }
        if json {
            try printJSON(Report(
                name: answer.question.name.description, type: answer.question.type.description,
                rcode: answer.responseCode.description, dnssec: answer.dnssec.name,
                reason: { if case .bogus(let reason) = answer.dnssec { return reason } else { return nil } }(),
                answers: shown.map { .init(name: $0.name.description, type: $0.type.description, ttl: $0.ttl, data: $0.data.presentation) }))
        } else {
            for record in shown { print(record) }
            print("status: \(answer.responseCode)")
            print("dnssec: \(answer.dnssec.name)")
            if case .bogus(let reason) = answer.dnssec { print("reason: \(reason)") }
        }
    }

    struct Report: Encodable {
        struct Record: Encodable {
            let name: String
            let type: String
            let ttl: UInt32
            let data: String
        }
        let name: String
        let type: String
        let rcode: String
        let dnssec: String
        let reason: String?
        let answers: [Record]
    }
}
