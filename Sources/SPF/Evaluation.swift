import DNS

/// A `temperror` or `permerror`: either ends `check_host()` at once, through every include (§4.6, §5.2, §4.6.4).
struct Abort: Error {
    let result: SPFResult
    let reason: String

    static func temperror(_ reason: String) -> Abort { Abort(result: .temperror, reason: reason) }
    static func permerror(_ reason: String) -> Abort { Abort(result: .permerror, reason: reason) }
}

/// What one `check_host()` call found, short of an ``Abort``.
struct Outcome {
    var result: SPFResult
    var mechanism: String?
    var explanation: String?
    var reason: String
}

/// One check in progress: the counters of §4.6.4 shared by every nested include and redirect.
struct Evaluation<R: SPFResolver> {
    let resolver: R
    /// Parsed records by their text (``SPFChecker/parsedRecords``).
    let parsedRecords: BoundedMemo<OctetKey, Result<SPFRecord, SPFError>>
    /// The macro values; ``MacroValues/domain`` is set to the domain of each record evaluated.
    let values: MacroValues
    let voidLookupLimit: Int
    private(set) var dnsTerms = 0
    private(set) var voidLookups = 0

    init(resolver: R, parsedRecords: BoundedMemo<OctetKey, Result<SPFRecord, SPFError>>, values: MacroValues, voidLookupLimit: Int) {
        self.resolver = resolver
        self.parsedRecords = parsedRecords
        self.values = values
        self.voidLookupLimit = voidLookupLimit
    }

    /// `check_host()` for `domain` (RFC 7208 §4). `depth` counts includes: only the top level computes explanations.
    mutating func checkHost(_ domain: String, depth: Int) async throws(Abort) -> Outcome {
        // §4.3: a malformed or single-label domain gives none.
        guard let name = Self.queryableName(domain), name.labels.count > 1 else {
            return Outcome(result: .none, reason: "\"\(domain)\" is not a valid multi-label domain name (RFC 7208 §4.3)")
        }
        guard let record = try await record(at: name, domain) else {
            return Outcome(result: .none, reason: "no SPF record at \(domain) (RFC 7208 §4.5)")
        }
        for directive in record.directives where try await matches(directive, domain: domain, depth: depth) {
            let result = directive.qualifier.result
            var explanation: String?
            if result == .fail, depth == 0, let spec = record.explanation {
                explanation = await explain(spec, domain: domain)
            }
            return Outcome(result: result, mechanism: directive.text, explanation: explanation,
                           reason: "\(directive.text) matched in the record of \(domain)")
        }
        if let redirect = record.redirect {
            // §6.1: evaluated only when no mechanism matched; the target's record replaces this one.
            try countDNSTerm("redirect=\(redirect)")
            let target = await expandedDomain(redirect, domain: domain)
            let outcome = try await checkHost(target, depth: depth)
            guard outcome.result != .none else {
                throw .permerror("redirect=\(redirect): \(outcome.reason) (RFC 7208 §6.1)")
            }
            return outcome
        }
        return Outcome(result: .neutral, reason: "no mechanism matched in the record of \(domain) (RFC 7208 §4.7)")
    }

    /// The one SPF record at `name` (§4.4, §4.5): `nil` for none; two or more, or one with a syntax error, is a
    /// `permerror`; a DNS failure a `temperror`.
    private mutating func record(at name: DNSName, _ domain: String) async throws(Abort) -> SPFRecord? {
        let answer: Answer
        do {
            answer = try await resolver.resolve(name, .txt)
        } catch {
            throw .temperror("TXT \(domain): \(error.reason)")
        }
        if answer.isNXDomain { return nil }
        guard answer.responseCode == .noError else { throw .temperror("TXT \(domain): \(answer.responseCode)") }
        let records = answer.rrset.compactMap(Self.joinedText).filter(SPFRecord.isSPFRecord)
        guard records.count <= 1 else { throw .permerror("\(records.count) SPF records at \(domain) (RFC 7208 §4.5)") }
        guard let bytes = records.first else { return nil }
        let parsed = parsedRecords.value(for: OctetKey(bytes)) { key in
            Result { () throws(SPFError) in try SPFRecord(parsing: key.octets) }
        }
        switch parsed {
        case .success(let record): return record
        case .failure(let error): throw .permerror("the record of \(domain): \(error.reason)")
        }
    }

    /// Whether `directive`'s mechanism matches the client (§5).
    private mutating func matches(_ directive: Directive, domain: String, depth: Int) async throws(Abort) -> Bool {
        let term = directive.text
        let client = values.client
        if directive.mechanism.queriesDNS { try countDNSTerm(term) }
        switch directive.mechanism {
        case .all:
            return true
        case .ip4(let network, let length), .ip6(let network, let length):
            return client.isIn(network, prefixLength: length)
        case .include(let spec):
            let target = await expandedDomain(spec, domain: domain)
            let inner = try await checkHost(target, depth: depth + 1)
            // §5.2: pass matches; fail, softfail and neutral do not; none is a permerror.
            guard inner.result != .none else { throw .permerror("\(term): \(inner.reason) (RFC 7208 §5.2)") }
            return inner.result == .pass
        case .a(let spec, let lengths):
            guard let name = await targetName(spec, domain: domain) else { return false }
            let records = try await lookup(name, client.addressType, for: term, countingVoid: true)
            return records.contains { client.isIn($0, prefixLength: lengths.length(for: client)) }
        case .mx(let spec, let lengths):
            guard let name = await targetName(spec, domain: domain) else { return false }
            let exchanges = try await lookup(name, .mx, for: term, countingVoid: true).compactMap { record -> DNSName? in
                if case .mx(let mx) = record.data, !mx.exchange.isRoot { mx.exchange } else { nil }
            }
            guard exchanges.count <= SPFChecker<R>.maximumMXNames else {
                throw .permerror("\(term): \(exchanges.count) MX names, more than \(SPFChecker<R>.maximumMXNames) (RFC 7208 §4.6.4)")
            }
            for exchange in exchanges {
                let records = try await lookup(exchange, client.addressType, for: term, countingVoid: false)
                if records.contains(where: { client.isIn($0, prefixLength: lengths.length(for: client)) }) { return true }
            }
            return false
        case .ptr(let spec):
            guard let target = await targetName(spec, domain: domain) else { return false }
            return try await validatedNames(countingVoidFor: term).contains { $0.isSubdomain(of: target) }
        case .exists(let spec):
            guard let name = await targetName(spec, domain: domain) else { return false }
            // §5.7: always an A query, whatever the client's address family.
            return try await !lookup(name, .a, for: term, countingVoid: true).isEmpty
        }
    }

    /// Counts a term that queries DNS; the eleventh is a `permerror` (§4.6.4).
    private mutating func countDNSTerm(_ term: String) throws(Abort) {
        dnsTerms += 1
        guard dnsTerms <= SPFChecker<R>.maximumDNSTerms else {
            throw .permerror("\(term): more than \(SPFChecker<R>.maximumDNSTerms) DNS-querying terms (RFC 7208 §4.6.4)")
        }
    }

    /// The records of `type` at `name`. A DNS failure ends the check with `temperror` (§2.6.6); when
    /// `countingVoid`, an empty answer or NXDOMAIN counts as the term's void lookup, and the third is a `permerror`
    /// (§4.6.4).
    private mutating func lookup(_ name: DNSName, _ type: RecordType, for term: String, countingVoid: Bool) async throws(Abort) -> [ResourceRecord] {
        let answer: Answer
        do {
            answer = try await resolver.resolve(name, type)
        } catch {
            throw .temperror("\(term): \(type) \(name): \(error.reason)")
        }
        guard answer.responseCode == .noError || answer.isNXDomain else {
            throw .temperror("\(term): \(type) \(name): \(answer.responseCode)")
        }
        let records = answer.rrset
        if records.isEmpty && countingVoid { try countVoidLookup(term) }
        return records
    }

    /// Counts a term whose query found nothing; the third (by default) is a `permerror` (§4.6.4).
    private mutating func countVoidLookup(_ term: String) throws(Abort) {
        voidLookups += 1
        guard voidLookups <= voidLookupLimit else {
            throw .permerror("\(term): more than \(voidLookupLimit) void lookups (RFC 7208 §4.6.4)")
        }
    }

    /// The client's PTR names whose addresses include the client (§5.5), looking at the first
    /// ``SPFChecker/maximumPTRNames``. DNS errors mean no name (§5.5); with a term, a void PTR answer counts.
    private mutating func validatedNames(countingVoidFor term: String?) async throws(Abort) -> [DNSName] {
        let client = values.client
        guard let reverse = Self.queryableName(client.reverseName), let answer = try? await resolver.resolve(reverse, .ptr),
              answer.responseCode == .noError || answer.isNXDomain else { return [] }
        let names = answer.rrset.compactMap(Self.ptrTarget)
        if names.isEmpty, let term { try countVoidLookup(term) }
        var validated: [DNSName] = []
        for name in names.prefix(SPFChecker<R>.maximumPTRNames) {
            guard let answer = try? await resolver.resolve(name, client.addressType), answer.responseCode == .noError else { continue }
            if answer.rrset.contains(where: { client.isIn($0, prefixLength: client.bytes.count * 8) }) { validated.append(name) }
        }
        return validated
    }

    /// `%{p}` for `domain` (§7.3): the domain itself if validated, else a validated subdomain, else any validated
    /// name, else `unknown`.
    private mutating func validatedName(for domain: String) async -> String {
        guard let names = try? await validatedNames(countingVoidFor: nil), !names.isEmpty else { return "unknown" }
        let own = Self.queryableName(domain)
        let best = names.first { $0 == own } ?? names.first { own.map($0.isSubdomain) ?? false } ?? names[0]
        return String(best.description.dropLast())
    }

    /// The expansion of a `domain-spec` in the record of `domain`, cut to 253 octets (§7.3).
    private mutating func expandedDomain(_ spec: MacroString, domain: String) async -> String {
        if let literal = spec.literalDomain { return literal }  // no macro: no values to gather
        return spec.expandedDomain(with: await macroValues(for: spec, domain: domain))
    }

    /// The name a mechanism queries: its expanded `domain-spec`, or the current domain; `nil` when the expansion is
    /// no domain name (such a mechanism matches nothing).
    private mutating func targetName(_ spec: MacroString?, domain: String) async -> DNSName? {
        guard let spec else { return Self.queryableName(domain) }
        return Self.queryableName(await expandedDomain(spec, domain: domain))
    }

    private mutating func macroValues(for string: MacroString, domain: String) async -> MacroValues {
        var values = values
        values.domain = domain
        if string.usesValidatedName { values.validatedName = await validatedName(for: domain) }
        return values
    }

    /// The explanation of a `fail` (§6.2): the one TXT record at the expanded `exp=` target, expanded as an
    /// explain-string; `nil` when anything goes wrong (DNS error, no or several records, bad syntax).
    private mutating func explain(_ spec: MacroString, domain: String) async -> String? {
        guard let name = Self.queryableName(await expandedDomain(spec, domain: domain)),
              let answer = try? await resolver.resolve(name, .txt), answer.responseCode == .noError
        else { return nil }
        let texts = answer.rrset.compactMap(Self.joinedText)
        guard texts.count == 1, let bytes = texts.first, bytes.allSatisfy({ (0x20...0x7E).contains($0) }),
              let string = try? MacroString(parsing: String(decoding: bytes, as: UTF8.self), context: .explanation)
        else { return nil }
        return string.expanded(with: await macroValues(for: string, domain: domain))
    }

    /// A name SPF may query: labels of 1 to 63 octets, a final dot allowed, at most 253 octets (§4.3).
    static func queryableName(_ text: String) -> DNSName? {
        var octets = Array(text.utf8)  // split as octets: splitting a String goes Character by Character
        if octets.last == UInt8(ascii: ".") { octets.removeLast() }
        guard !octets.isEmpty, octets.count <= MacroString.maximumDomainLength else { return nil }
        let labels = octets.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map { Array($0) }
        guard labels.allSatisfy({ (1...DNSName.maximumLabelLength).contains($0.count) }) else { return nil }
        return try? DNSName(labels: labels)
    }

    /// A TXT record's character-strings joined without separator (§3.3).
    private static func joinedText(_ record: ResourceRecord) -> [UInt8]? {
        if case .txt(let strings) = record.data { strings.flatMap { $0 } } else { nil }
    }

    private static func ptrTarget(_ record: ResourceRecord) -> DNSName? {
        if case .ptr(let name) = record.data { name } else { nil }
    }
}
