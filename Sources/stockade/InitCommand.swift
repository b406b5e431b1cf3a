import ArgumentParser
import Audit
import DANE
import DKIM
import Foundation
import MTASTS
import StockadeServer

/// `stockade init DOMAIN --config FILE`: the records a domain should publish for what `stockade serve` is configured to
/// serve (library `Audit`), as a zone-file fragment that `stockade check --expect` compares with DNS.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Print the DNS records DOMAIN should publish for this server: MX, TLSA, SPF, DKIM, DMARC, MTA-STS, TLSRPT, CAA, WKD.",
        discussion: """
            Reads the configuration of stockade serve: the MX hosts from the domain's MTA-STS policy (or --mx), a TLSA 3 1 1 \
            record for each MX host whose certificate is configured under tls, the DKIM keys of milter.signing (and their \
            next selectors), the MTA-STS policy id, the report inbox addresses as TLSRPT and DMARC rua, the WKD host when \
            the domain is a provider domain. DMARC starts at p=none. Save the output and run \
            `stockade check DOMAIN --expect FILE` once it is published.
            Example: stockade init example.com --config stockade.json --address 192.0.2.1 --caa-issuer letsencrypt.org
            """)
    @Argument(help: "The mail domain.") var domain: String
    @Option(help: "The configuration file of stockade serve.") var config: String
    @Option(help: "An MX host, in preference order (repeat); default: the exact mx names of the domain's MTA-STS policy.")
    var mx: [String] = []
    @Option(help: "An address of this server, for the mta-sts and openpgpkey hosts (repeat).") var address: [String] = []
    @Option(name: .customLong("caa-issuer"), help: "The issuer domain of the CA in use, such as letsencrypt.org (repeat).")
    var caaIssuers: [String] = []

    // Synchronous on purpose: as an async function (it awaits nothing) its typed-throws closure crashed the Swift 6.3.1
    // optimizer (coroutine splitting, swifterror) in release builds.
    func run() throws {
        let server = try ServerConfiguration.load(path: config)
        var plan = PublicationPlan(domain: domain)
        let name = plan.domain
        let policy = server.mtaSTS.first { $0.domain.lowercased() == name }
        plan.mxHosts = mx.isEmpty ? (policy?.mx ?? []).filter { !$0.hasPrefix("*") } : mx
        for host in plan.mxHosts {
            guard let setting = server.tls?.certificates.first(where: { $0.hosts.contains(host) }) else { continue }
            plan.tlsa[host] = try ServerCertificate(pem: String(contentsOfFile: setting.certificate, encoding: .utf8)).tlsaRecord()
        }
        if let policy {
            guard let mode = MTASTSPolicy.Mode(rawValue: policy.mode) else { throw ValidationError("mtaSTS \(name): unknown mode \(policy.mode)") }
            plan.mtaSTSID = try MTASTSPolicy(mode: mode, maxAge: policy.maxAge ?? 604_800, mx: policy.mx.map { (text) throws(MTASTSError) in try MXPattern(text) }).derivedID
        }
        plan.addresses = address
        if let inbox = server.reportInbox, inbox.domains.contains(where: { $0.lowercased() == name }) {
            let rua = (inbox.addresses ?? []).map { "mailto:\($0)" }
            plan.tlsrptRUA = rua
            plan.dmarcRUA = rua
        }
        for signing in server.milter?.signing ?? [] where signing.domain.lowercased() == name {
            plan.dkimKeys.append(try Self.dkimKey(selector: signing.selector, keyFile: signing.key))
            if let next = signing.next { plan.dkimKeys.append(try Self.dkimKey(selector: next.selector, keyFile: next.key)) }
        }
        plan.caaIssuers = caaIssuers
        plan.wkdAdvanced = server.domains.contains { $0.name.lowercased() == name && $0.kind == "provider" }
        print(plan.zoneFragment, terminator: "")
    }

    static func dkimKey(selector: String, keyFile: String) throws -> PublicationPlan.DKIMKey {
        let key = try DKIMSigningKey(pem: String(contentsOfFile: keyFile, encoding: .utf8))
        return PublicationPlan.DKIMKey(selector: selector, record: key.keyRecord)
    }
}
