import Crypto
public import DNS
public import Foundation

/// Verifies every DKIM signature of a message, each with its own verdict (RFC 6376 §6, RFC 8463, RFC 8301).
///
/// - Signatures are taken top first; at most ``DKIMLimits/maximumSignaturesVerified`` are verified, the others get
///   `neutral` "too many signatures".
/// - rsa-sha256 with keys of 1024 to 8192 bits and ed25519-sha256 can pass; rsa-sha1 and shorter RSA keys are
///   `permerror` (RFC 8301 §3.1, §3.2).
/// - A key lookup that fails for now (SERVFAIL, timeout) is `temperror`; a missing key is `permerror`.
/// - The body hash of each (canonicalization, `l=`) pair is computed once per message.
public struct DKIMVerifier: Sendable {
    private let keys: any DKIMKeyFetcher
    private let now: @Sendable () -> Date
    /// Key records parsed, by their text, shared by every copy of this verifier (``DKIMLimits/parsedKeyCapacity``).
    let parsedKeys = BoundedMemo<OctetKey, ParsedKeyRecord>(capacity: DKIMLimits.parsedKeyCapacity)
    /// The record read last, looked at first.
    private let recentKey = RecentKeyRecord()

    /// A verifier taking keys from `keys` and the time from `now` (for `t=` and `x=`).
    public init(keys: any DKIMKeyFetcher, now: @escaping @Sendable () -> Date = Date.init) {
        self.keys = keys
        self.now = now
    }

    /// A verifier taking keys from DNS through `resolver`.
    public init(resolver: Resolver<ContinuousClock>, now: @escaping @Sendable () -> Date = Date.init) {
        self.init(keys: DNSKeyFetcher(resolver: resolver), now: now)
    }

    /// The verdicts of every `DKIM-Signature` field of `message`, top first; empty when the message has none.
    public func verify(_ message: DKIMMessage) async -> [DKIMVerdict] {
        let headerIndex = HeaderIndex(message.headers)
        let time = Int64(now().timeIntervalSince1970)
        if let only = headerIndex.onlyField(named: Self.signatureFieldName, key: Self.signatureFieldKey) {
            // The usual case, one signature: no task group, no memo of body hashes to pay for.
            return [await verify(only, headerIndex: headerIndex, body: message.bodyOctets, bodies: nil, time: time)]
        }
        let fields = headerIndex.fields(named: Self.signatureFieldName)
        let bodies = BodyHashes(body: message.bodyOctets)
        return await withTaskGroup(of: (Int, DKIMVerdict).self) { group in
            for (position, field) in fields.enumerated() {
                group.addTask {
                    guard position < DKIMLimits.maximumSignaturesVerified else {
                        return (position, Self.unread(field, .neutral,
                                                      "too many signatures: only the first \(DKIMLimits.maximumSignaturesVerified) are verified"))
                    }
                    return (position, await verify(field, headerIndex: headerIndex, body: message.bodyOctets, bodies: bodies, time: time))
                }
            }
            var verdicts = [DKIMVerdict?](repeating: nil, count: fields.count)
            for await (position, verdict) in group { verdicts[position] = verdict }
            return verdicts.map { $0! }
        }
    }

    private static let signatureFieldName = "dkim-signature"
    private static let signatureFieldKey = HeaderField.nameKey(of: signatureFieldName)

    /// The verdict of one signature of a message whose body is `body`; its body hashes come from `bodies` when the
    /// message has several signatures, and are computed here when it has one.
    private func verify(_ field: HeaderField, headerIndex: HeaderIndex, body: ArraySlice<UInt8>, bodies: BodyHashes?,
                        time: Int64) async -> DKIMVerdict {
        let signature: DKIMSignature
        do { signature = try DKIMSignature(field: field) } catch { return Self.unread(field, .permerror, error.reason) }

        func verdict(_ result: DKIMResult, _ reason: String?, testing: Bool = false) -> DKIMVerdict {
            DKIMVerdict(result: result, reason: reason, domain: signature.domain.asciiLowercased, selector: signature.selector,
                        identity: signature.identity ?? "@" + signature.domain, algorithm: signature.algorithm.rawValue, isTesting: testing)
        }

        if signature.algorithm == .rsaSHA1 {
            return verdict(.permerror, "rsa-sha1 signatures are not accepted (RFC 8301 §3.1)")
        }
        if let expiration = signature.expiration, expiration < time {
            return verdict(.permerror, "signature expired at x=\(expiration) (RFC 6376 §3.5)")
        }
        if let timestamp = signature.timestamp, timestamp > time + DKIMLimits.allowedClockSkew {
            return verdict(.permerror, "signature timestamp t=\(timestamp) is in the future (RFC 6376 §3.5)")
        }

        let records: [[UInt8]]
        switch await keys.keyRecords(selector: signature.selector, domain: signature.domain.asciiLowercased) {
        case .found(let found): records = found
        case .notFound(let reason): return verdict(.permerror, reason)
        case .temporaryFailure(let reason): return verdict(.temperror, reason)
        }
        // The usable keys: the first on its own, so the usual single record needs no array.
        var firstKey: DKIMPublicKey?
        var otherKeys: [DKIMPublicKey] = []
        var testing = false
        var firstProblem: String?
        for text in records.prefix(DKIMLimits.maximumKeyRecords) {
            do throws(KeyRecordError) {
                let parsed = recentKey.parsed(text, memo: parsedKeys)
                let record = try parsed.record.get()
                try Self.check(record, for: signature)
                let key = try parsed.key.get()
                if firstKey == nil { firstKey = key } else { otherKeys.append(key) }
                testing = testing || record.isTesting
            } catch {
                firstProblem = firstProblem ?? error.reason
            }
        }
        guard let firstKey else { return verdict(.permerror, firstProblem ?? "no usable key record") }

        let bodyHashMatches: Bool?
        if let bodies {
            bodyHashMatches = bodies.hash(signature.canonicalization.body, length: signature.bodyLength)
                .map { $0.elementsEqual(signature.bodyHash) }
        } else {
            bodyHashMatches = BodyHashes.digest(of: body, signature.canonicalization.body, length: signature.bodyLength)
                .map { digest in digest.withUnsafeBytes { $0.elementsEqual(signature.bodyHash) } }
        }
        guard let bodyHashMatches else {
            return verdict(.permerror, "l=\(signature.bodyLength ?? 0) is longer than the canonical body (RFC 6376 §3.5)", testing: testing)
        }
        guard bodyHashMatches else {
            return verdict(.fail, "body hash did not verify (RFC 6376 §6.1.3)", testing: testing)
        }
        let digest = SHA256.hash(data: Self.headerHashInput(signature, headerIndex: headerIndex))
        guard firstKey.isValid(signature: signature.signature, digest: digest)
                || otherKeys.contains(where: { $0.isValid(signature: signature.signature, digest: digest) }) else {
            return verdict(.fail, "signature did not verify (RFC 6376 §6.1.3)", testing: testing)
        }
        return verdict(.pass, nil, testing: testing)
    }

    /// The key record rules that depend on the signature (RFC 6376 §6.1.2, RFC 8301 §3.2).
    private static func check(_ record: KeyRecord, for signature: DKIMSignature) throws(KeyRecordError) {
        guard !record.isRevoked else { throw KeyRecordError.revoked }
        guard record.keyType == signature.algorithm.keyType else {
            throw KeyRecordError("key type k=\(record.keyType) does not match a=\(signature.algorithm.rawValue) (RFC 6376 §6.1.2)")
        }
        if let hashes = record.hashes, !hashes.contains(signature.algorithm.hashName) {
            throw KeyRecordError("key record h= does not allow \(signature.algorithm.hashName) (RFC 6376 §3.6.1)")
        }
        guard record.serviceTypes.contains("*") || record.serviceTypes.contains("email") else {
            throw KeyRecordError("key record s= does not include email (RFC 6376 §3.6.1)")
        }
        if record.requiresExactIdentityDomain, signature.identityDomain.asciiLowercased != signature.domain.asciiLowercased {
            throw KeyRecordError("key record t=s requires i= in d= itself, not a subdomain (RFC 6376 §3.6.1)")
        }
    }

    /// The header hash input (RFC 6376 §3.7): the signed fields, chosen from the bottom up, canonicalized, then the
    /// signature's own field with an empty `b=` and no final CRLF. A name listed more often than it occurs adds
    /// nothing for the missing instances (§5.4.2).
    static func headerHashInput(_ signature: DKIMSignature, headerIndex: HeaderIndex) -> [UInt8] {
        headerHashInput(signedHeaders: signature.signedHeaderNames, canonicalization: signature.canonicalization.header,
                        signatureField: signature.field.octets, colonIndex: signature.field.colonIndex,
                        omitting: signature.signatureValueRange, headerIndex: headerIndex)
    }

    /// The header hash input from its parts: the signature field is `signatureField` without the octets at `omitted`
    /// (its `b=` value); the signer calls this with its field ending in an empty `b=`.
    static func headerHashInput(signedHeaders: SignedHeaderNames, canonicalization: Canonicalization, signatureField: ArraySlice<UInt8>,
                                colonIndex: Int, omitting omitted: Range<Int>? = nil, headerIndex: HeaderIndex) -> [UInt8] {
        let headers = headerIndex.headers
        // Each field is chosen at most once, and a canonical field is never longer than the field: the fields and the
        // signature's own field bound the input, so it is written in place into one array as the fields are chosen.
        let capacity = headers.reduce(signatureField.count) { $0 + $1.octets.count + 2 }
        return [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
            count = 0
            headerIndex.forEachSigned(signedHeaders) { index in
                count += canonicalization.write(header: headers[index], to: out.baseAddress! + count)
            }
            count += canonicalization.write(raw: signatureField, colonIndex: colonIndex, omitting: omitted, to: out.baseAddress! + count)
        }
    }

    /// A verdict for a field that could not be parsed: d= and s= taken from its tags when they can be read.
    private static func unread(_ field: HeaderField, _ result: DKIMResult, _ reason: String) -> DKIMVerdict {
        let tags = try? TagList(parsing: field.rawValue)
        return DKIMVerdict(result: result, reason: reason, domain: tags?["d"]?.asciiLowercased, selector: tags?["s"],
                           identity: tags?["i"], algorithm: tags?["a"])
    }
}

/// A key record's text read once: the record, and the public key in it (the key's error when the record has none).
struct ParsedKeyRecord: Sendable {
    let record: Result<KeyRecord, KeyRecordError>
    let key: Result<DKIMPublicKey, KeyRecordError>

    init(_ text: OctetKey) {
        record = Result { () throws(KeyRecordError) in try KeyRecord(parsing: text.octets) }
        key = record.flatMap { record in
            // A revoked record has no key to read (and the verifier refuses it before asking for one).
            guard !record.isRevoked else { return .failure(.revoked) }
            return Result { () throws(KeyRecordError) in try DKIMPublicKey(keyType: record.keyType, data: record.publicKeyData) }
        }
    }
}

/// The header fields of a message looked up by lower-case name, for the bottom-up choice of §5.4.2.
///
/// No table is built: a look-up compares the names where they sit (at most ``DKIMLimits/maximumHeaderCount`` fields
/// for each of at most ``DKIMLimits/maximumSignedHeaderNames`` names of a signature: bounded).
struct HeaderIndex: Sendable {
    let headers: [HeaderField]

    init(_ headers: [HeaderField]) {
        self.headers = headers
    }

    /// The fields whose lower-case name is `name`, top first.
    func fields(named name: String) -> [HeaderField] {
        let key = HeaderField.nameKey(of: name)
        return headers.filter { $0.isNamed(name, key: key) }
    }

    /// The field whose lower-case name is `name` (whose ``HeaderField/nameKey(of:)`` is `key`) when there is exactly
    /// one; nil when there is none or more than one.
    func onlyField(named name: String, key: UInt64) -> HeaderField? {
        var found: HeaderField?
        for field in headers where field.isNamed(name, key: key) {
            guard found == nil else { return nil }
            found = field
        }
        return found
    }

    /// How many fields have the lower-case name `name`.
    func count(named name: String) -> Int {
        let key = HeaderField.nameKey(of: name)
        return headers.reduce(0) { $0 + ($1.isNamed(name, key: key) ? 1 : 0) }
    }

    /// Calls `body` with the index in ``headers`` of each field `names` signs, in the order of the names: for each name,
    /// the bottom-most field of that name not chosen for an earlier mention of it (§5.4.2). A name listed more often than
    /// it occurs adds nothing for the missing instances.
    ///
    /// Fields are compared by name where they sit, and marked when chosen (at most ``DKIMLimits/maximumHeaderCount``
    /// fields for each of at most ``DKIMLimits/maximumSignedHeaderNames`` names: bounded).
    func forEachSigned(_ names: SignedHeaderNames, _ body: (Int) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: headers.count / 64 + 1) { chosen in
            chosen.initialize(repeating: 0)
            headers.withUnsafeBufferPointer { fields in
                names.forEachName { listed, key in
                    var i = fields.count
                    while i > 0 {
                        i -= 1
                        let bit: UInt64 = 1 << (i & 63)
                        // Keys that differ (both ASCII) are names that differ: most fields go no further.
                        guard fields[i].nameKey == key || key == 0 || fields[i].nameKey == 0, chosen[i >> 6] & bit == 0,
                              fields[i].isNamed(listed: listed, key: key) else { continue }
                        chosen[i >> 6] |= bit
                        body(i)
                        return
                    }
                }
            }
        }
    }
}
