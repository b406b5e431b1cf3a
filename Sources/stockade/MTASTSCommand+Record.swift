import ArgumentParser
import DNS
import Foundation
import MTASTS

extension MTASTSCommand {
    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record",
            abstract: "Print the _mta-sts TXT record that publishes a policy, and warn where DNS disagrees with it.",
            discussion: """
                The id is derived from the policy's content, so it changes exactly when the policy does (RFC 8461 §3.1).
                Warns when DNS still shows another id, and when an MX record of the domain matches none of the patterns.
                Example: stockade mta-sts record example.org --mode enforce --mx mx1.example.org --mx '*.example.org'
                """)
        @Argument(help: "The policy domain.") var domain: String
        @Option(help: "enforce, testing or none.") var mode: MTASTSPolicy.Mode = .enforce
        @Option(help: "An mx pattern (repeat for several).") var mx: [String] = []
        @Option(help: "max_age in seconds.") var maxAge = 604_800
        @OptionGroup var resolverOptions: ResolverOptions

        func run() async throws {
            let policy: MTASTSPolicy
            do throws(MTASTSError) {
                policy = try MTASTSPolicy(mode: mode, maxAge: maxAge, mx: try mx.map { (text) throws(MTASTSError) in try MXPattern(text) })
            } catch {
                throw ValidationError(error.reason)
            }
            let name = domain.lowercased().hasSuffix(".") ? String(domain.lowercased().dropLast()) : domain.lowercased()
            print("_mta-sts.\(name). IN TXT \"v=STSv1; id=\(policy.derivedID)\"")
            let resolver = try resolverOptions.makeResolver()
            for warning in await PublicationCheck.warnings(for: policy, domain: name, resolver: resolver) {
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
        }
    }
}

/// What DNS says against a policy about to be published.
enum PublicationCheck {
    static func warnings(for policy: MTASTSPolicy, domain: String, resolver: DNS.Resolver<ContinuousClock>) async -> [String] {
        var warnings: [String] = []
        if let txt = try? await resolver.resolve("_mta-sts.\(domain)", .txt) {
            let texts: [[String]] = txt.rrset.compactMap {
                if case .txt(let strings) = $0.data { strings.map { String(decoding: $0, as: UTF8.self) } } else { nil }
            }
            if let current = try? MTASTSRecord(parsing: texts), current.id != policy.derivedID {
                warnings.append("DNS still shows id \(current.id); senders keep the old policy until it changes")
            } else if texts.isEmpty {
                warnings.append("_mta-sts.\(domain) has no TXT record yet")
            }
        }
        if policy.mode != .none, let answer = try? await resolver.resolve(domain, .mx) {
            for record in answer.rrset {
                guard case .mx(let mx) = record.data else { continue }
                var host = mx.exchange.description
                if host.hasSuffix(".") { host.removeLast() }
                if !policy.matches(mxHost: host) {
                    warnings.append("MX \(host) matches none of the policy's mx patterns: mail to it would be refused")
                }
            }
        }
        return warnings
    }
}
