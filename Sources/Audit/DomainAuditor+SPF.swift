import DNS
import SPF

extension DomainAuditor {
    /// The SPF record of `domain`: syntax, the DNS-querying terms of every include and redirect counted against the limit
    /// of 10, void lookups against the limit of 2, and the final `all` (RFC 7208).
    func spfFindings(_ domain: String) async -> [Finding] {
        let record: SPFRecord
        switch await spfRecord(at: domain) {
        case .missing:
            return [Finding(.spf, .error, "spf-none", "no SPF record at \(domain): receivers get result none", "RFC 7208 §4.5")]
        case .failed(let why, let id):
            return [Finding(.spf, .error, id, why, id == "spf-multiple" ? "RFC 7208 §4.5" : "RFC 7208 §4.6")]
        case .found(let found):
            record = found
        }
        var findings = [Finding(.spf, .ok, "spf-record", "\(domain): \(record.text)", "RFC 7208 §4.5")]
        var walk = SPFWalk()
        await walk.visit(record, domain: domain, auditor: self)
        findings += walk.findings
        if walk.dnsTerms > SPFWalk.maximumDNSTerms {
            findings.append(Finding(.spf, .error, "spf-too-many-lookups",
                                    "\(walk.dnsTerms) DNS-querying terms, more than 10: receivers get permerror", "RFC 7208 §4.6.4"))
        } else {
            findings.append(Finding(.spf, .ok, "spf-lookups", "\(walk.dnsTerms) of 10 DNS-querying terms", "RFC 7208 §4.6.4"))
        }
        if walk.voidLookups > SPFWalk.maximumVoidLookups {
            findings.append(Finding(.spf, .error, "spf-void-lookups",
                                    "\(walk.voidLookups) void lookups, more than 2: receivers get permerror", "RFC 7208 §4.6.4"))
        }
        findings += allFindings(record, domain: domain)
        return findings
    }

    /// What the final `all` (or its absence) means for mail from anyone else (RFC 7208 §5.1, §4.7).
    private func allFindings(_ record: SPFRecord, domain: String) -> [Finding] {
        guard let all = record.directives.first(where: { $0.mechanism == .all }) else {
            if record.redirect != nil { return [] }
            return [Finding(.spf, .warning, "spf-no-all", "the record ends without all: other senders get neutral", "RFC 7208 §4.7")]
        }
        switch all.qualifier {
        case .pass:
            return [Finding(.spf, .error, "spf-plus-all", "\(all.text): every host on the Internet may send as \(domain)", "RFC 7208 §5.1")]
        case .neutral:
            return [Finding(.spf, .warning, "spf-neutral-all", "\(all.text): other senders get neutral, which protects nothing", "RFC 7208 §5.1")]
        case .softfail:
            return [Finding(.spf, .info, "spf-softfail-all", "\(all.text): other senders get softfail", "RFC 7208 §5.1")]
        case .fail:
            return [Finding(.spf, .ok, "spf-fail-all", "\(all.text): other senders fail", "RFC 7208 §5.1")]
        }
    }

    enum SPFLookup {
        case found(SPFRecord)
        case missing
        case failed(String, id: String)
    }

    /// The one SPF record at `domain` (RFC 7208 §4.5).
    func spfRecord(at domain: String) async -> SPFLookup {
        guard let texts = await txt(domain) else { return .failed("no answer for \(domain) TXT", id: "spf-lookup-failed") }
        let records = texts.filter { SPFRecord.isSPFRecord(Array($0.utf8)) }
        guard records.count <= 1 else { return .failed("\(records.count) SPF records at \(domain): permerror", id: "spf-multiple") }
        guard let text = records.first else { return .missing }
        do {
            return .found(try SPFRecord(parsing: text))
        } catch {
            return .failed("the SPF record of \(domain): \(error.reason)", id: "spf-syntax")
        }
    }
}

/// A walk through an SPF record and the records it includes or redirects to, counting as check_host() would at most.
struct SPFWalk {
    static let maximumDNSTerms = 10
    static let maximumVoidLookups = 2
    /// Records visited at most, so a loop or a huge tree ends.
    static let maximumRecords = 32

    var dnsTerms = 0
    var voidLookups = 0
    var findings: [Finding] = []
    private var visited: Set<String> = []

    mutating func visit(_ record: SPFRecord, domain: String, auditor: DomainAuditor) async {
        guard visited.insert(domain).inserted, visited.count <= Self.maximumRecords else { return }
        for directive in record.directives {
            switch directive.mechanism {
            case .all, .ip4, .ip6:
                continue
            case .include(let spec):
                dnsTerms += 1
                guard let target = Self.literal(spec) else { continue }
                switch await auditor.spfRecord(at: target) {
                case .found(let inner): await visit(inner, domain: target, auditor: auditor)
                case .missing:
                    voidLookups += 1
                    findings.append(Finding(.spf, .error, "spf-include-missing", "\(directive.text): \(target) has no SPF record: permerror",
                                            "RFC 7208 §5.2"))
                case .failed(let why, _):
                    findings.append(Finding(.spf, .error, "spf-include-broken", "\(directive.text): \(why)", "RFC 7208 §5.2"))
                }
            case .a(let spec, _):
                dnsTerms += 1
                await countVoid(Self.target(spec, domain: domain), types: [.a, .aaaa], term: directive.text, auditor: auditor)
            case .mx(let spec, _):
                dnsTerms += 1
                await countVoid(Self.target(spec, domain: domain), types: [.mx], term: directive.text, auditor: auditor)
            case .exists:
                dnsTerms += 1
            case .ptr:
                dnsTerms += 1
                findings.append(Finding(.spf, .warning, "spf-ptr", "\(directive.text): ptr is slow and unreliable; do not publish it",
                                        "RFC 7208 §5.5"))
            }
        }
        if let redirect = record.redirect {
            dnsTerms += 1
            guard let target = Self.literal(redirect) else { return }
            switch await auditor.spfRecord(at: target) {
            case .found(let inner): await visit(inner, domain: target, auditor: auditor)
            case .missing:
                voidLookups += 1
                findings.append(Finding(.spf, .error, "spf-redirect-missing", "redirect=\(redirect): \(target) has no SPF record: permerror",
                                        "RFC 7208 §6.1"))
            case .failed(let why, _):
                findings.append(Finding(.spf, .error, "spf-redirect-broken", "redirect=\(redirect): \(why)", "RFC 7208 §6.1"))
            }
        }
    }

    /// A lookup that finds nothing (NXDOMAIN or no records of any asked type) is void (§4.6.4).
    private mutating func countVoid(_ name: String?, types: [RecordType], term: String, auditor: DomainAuditor) async {
        guard let name else { return }
        var empty = true
        for type in types {
            if let answer = try? await auditor.resolver.resolve(name, type), !answer.rrset.isEmpty { empty = false }
        }
        if empty {
            voidLookups += 1
            findings.append(Finding(.spf, .warning, "spf-void-lookup", "\(term): \(name) has no records (a void lookup)", "RFC 7208 §4.6.4"))
        }
    }

    /// The name an `a` or `mx` mechanism asks: its domain-spec, or the current domain; nil when it has macros.
    static func target(_ spec: MacroString?, domain: String) -> String? {
        guard let spec else { return domain }
        return literal(spec)
    }

    /// The domain a macro-string names when it has no macros, lower case.
    static func literal(_ spec: MacroString) -> String? {
        var text = ""
        for part in spec.parts {
            guard case .literal(let literal) = part else { return nil }
            text += literal
        }
        return DomainAuditor.normalized(text)
    }
}
