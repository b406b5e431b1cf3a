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
            return [await verify(headerIndex.headers[only], headerIndex: headerIndex, body: message.bodyAsRead, bodies: nil, time: time)]
        }
        let fields = headerIndex.fields(named: Self.signatureFieldName)
        let body = message.bodyOctets
        let bodies = BodyHashes(body: body)
        return await withTaskGroup(of: (Int, DKIMVerdict).self) { group in
            for (position, field) in fields.enumerated() {
                group.addTask {
                    guard position < DKIMLimits.maximumSignaturesVerified else {
                        return (position, Self.unread(field, .neutral,
                                                      "too many signatures: only the first \(DKIMLimits.maximumSignaturesVerified) are verified"))
                    }
                    return (position, await verify(field, headerIndex: headerIndex, body: (body, true), bodies: bodies, time: time))
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
    ///
    /// Only the key look-up waits; what comes after it is synchronous, so the signature is lent to it, not copied.
    private func verify(_ field: HeaderField, headerIndex: HeaderIndex, body: DKIMMessage.BodyAsRead, bodies: BodyHashes?,
                        time: Int64) async -> DKIMVerdict {
        let signature: DKIMSignature
        do { signature = try DKIMSignature(field: field) } catch { return Self.unread(field, .permerror, error.reason) }
        if let refused = Self.refusal(of: signature, time: time) { return refused }
        let lookup = await keys.keyRecords(selector: signature.selector, domain: signature.domain.asciiLowercased)
        return verify(signature, lookup, headerIndex: headerIndex, body: body, bodies: bodies)
    }

    /// The verdict of a signature refused before its key is looked up: a banned algorithm or a time out of range.
    private static func refusal(of signature: DKIMSignature, time: Int64) -> DKIMVerdict? {
        if signature.algorithm == .rsaSHA1 {
            return signature.verdict(.permerror, "rsa-sha1 signatures are not accepted (RFC 8301 §3.1)")
        }
        if let expiration = signature.expiration, expiration < time {
            return signature.verdict(.permerror, "signature expired at x=\(expiration) (RFC 6376 §3.5)")
        }
        if let timestamp = signature.timestamp, timestamp > time + DKIMLimits.allowedClockSkew {
            return signature.verdict(.permerror, "signature timestamp t=\(timestamp) is in the future (RFC 6376 §3.5)")
        }
        return nil
    }

    /// The verdict of `signature` once its key records are looked up (`lookup`).
    private func verify(_ signature: DKIMSignature, _ lookup: KeyLookupResult, headerIndex: HeaderIndex, body: DKIMMessage.BodyAsRead,
                        bodies: BodyHashes?) -> DKIMVerdict {
        let records: [[UInt8]]
        switch lookup {
        case .found(let found): records = found
        case .notFound(let reason): return signature.verdict(.permerror, reason)
        case .temporaryFailure(let reason): return signature.verdict(.temperror, reason)
        }
        // The usable keys: the first on its own, so the usual single record needs no array.
        var firstKey: DKIMPublicKey?
        var otherKeys: [DKIMPublicKey] = []
        var testing = false
        var firstProblem: String?
        for text in records.prefix(DKIMLimits.maximumKeyRecords) {
            do throws(KeyRecordError) {
                let parsed = recentKey.parsed(text, memo: parsedKeys)
                let key = try parsed.key(for: signature)
                if firstKey == nil { firstKey = key } else { otherKeys.append(key) }
                testing = testing || parsed.isTesting
            } catch {
                firstProblem = firstProblem ?? error.reason
            }
        }
        guard let firstKey else { return signature.verdict(.permerror, firstProblem ?? "no usable key record") }

        let bodyHashMatches: Bool?
        if let bodies {
            bodyHashMatches = bodies.hash(signature.canonicalization.body, length: signature.bodyLength)
                .map { sameOctets($0, signature.bodyHash) }
        } else {
            bodyHashMatches = BodyHashes.digest(of: body, signature.canonicalization.body, length: signature.bodyLength)
                .map { sameOctets($0, signature.bodyHash) }
        }
        guard let bodyHashMatches else {
            return signature.verdict(.permerror, "l=\(signature.bodyLength ?? 0) is longer than the canonical body (RFC 6376 §3.5)", testing: testing)
        }
        guard bodyHashMatches else {
            return signature.verdict(.fail, "body hash did not verify (RFC 6376 §6.1.3)", testing: testing)
        }
        let digest = Self.headerHashDigest(signature, headerIndex: headerIndex)
        guard firstKey.isValid(signature: signature.signature, digest: digest)
                || otherKeys.contains(where: { $0.isValid(signature: signature.signature, digest: digest) }) else {
            return signature.verdict(.fail, "signature did not verify (RFC 6376 §6.1.3)", testing: testing)
        }
        return signature.verdict(.pass, nil, testing: testing)
    }

    /// The SHA-256 digest of the header hash input (RFC 6376 §3.7): the signed fields, chosen from the bottom up,
    /// canonicalized, then the signature's own field with an empty `b=` and no final CRLF. A name listed more often than
    /// it occurs adds nothing for the missing instances (§5.4.2).
    static func headerHashDigest(_ signature: DKIMSignature, headerIndex: HeaderIndex) -> SHA256.Digest {
        headerHashDigest(signedHeaders: signature.signedHeaderNames, canonicalization: signature.canonicalization.header,
                         signatureField: signature.field.octets, colonIndex: signature.field.colonIndex,
                         omitting: signature.signatureValueRange, headerIndex: headerIndex)
    }

    /// The digest of the header hash input from its parts: the signature field is `signatureField` without the octets
    /// at `omitted` (its `b=` value); the signer calls this with its field ending in an empty `b=`.
    ///
    /// The fields are chosen first, so the input's room is what they and the signature's field take at most (a
    /// canonical field is never longer than the field): a usual header's input is a few hundred octets, written on the
    /// stack, not into an array.
    static func headerHashDigest(signedHeaders: SignedHeaderNames, canonicalization: Canonicalization, signatureField: ArraySlice<UInt8>,
                                 colonIndex: Int, omitting omitted: Range<Int>? = nil, headerIndex: HeaderIndex) -> SHA256.Digest {
        let headers = headerIndex.headers
        // Each field is chosen at most once: as many indices as there are fields, at most.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: headers.count) { chosen in
            var chosenCount = 0
            var capacity = signatureField.count - (omitted?.count ?? 0)
            headerIndex.forEachSigned(signedHeaders) { index in
                chosen[chosenCount] = index
                chosenCount += 1
                capacity += headers[index].octets.count + 2
            }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { out in
                var count = 0
                for index in chosen[..<chosenCount] {
                    count += canonicalization.write(header: headers[index], to: out.baseAddress! + count)
                }
                count += canonicalization.write(raw: signatureField, colonIndex: colonIndex, omitting: omitted, to: out.baseAddress! + count)
                var hasher = SHA256()
                hasher.update(bufferPointer: UnsafeRawBufferPointer(start: out.baseAddress, count: count))
                return hasher.finalize()
            }
        }
    }

    /// A verdict for a field that could not be parsed: d= and s= taken from its tags when they can be read.
    private static func unread(_ field: HeaderField, _ result: DKIMResult, _ reason: String) -> DKIMVerdict {
        let tags = try? TagList(parsing: field.rawValue)
        return DKIMVerdict(result: result, reason: reason, domain: tags?["d"]?.asciiLowercased, selector: tags?["s"],
                           identity: tags?["i"], algorithm: tags?["a"])
    }
}

/// A key record's text read once: the public key in it, and what the record refuses, worked out for each algorithm,
/// so a verification looks that up instead of comparing names (RFC 6376 §3.6.1, §6.1.2, RFC 8301 §3.2). A class: a
/// verification takes it from the memo with one reference, not a copy of the record's strings and arrays.
final class ParsedKeyRecord: Sendable {
    private let key: Result<DKIMPublicKey, KeyRecordError>
    /// `t=y`.
    let isTesting: Bool
    /// `t=s`.
    let requiresExactIdentityDomain: Bool
    /// Why a signature with each algorithm cannot use this record; nil when it can (the AUID rule of `t=s` aside).
    private let rsaSHA256Refusal, ed25519SHA256Refusal, rsaSHA1Refusal: KeyRecordError?

    init(_ text: OctetKey) {
        let record = Result { () throws(KeyRecordError) in try KeyRecord(parsing: text.octets) }
        key = record.flatMap { record in
            // A revoked record has no key to read (and the verifier refuses it before asking for one).
            guard !record.isRevoked else { return .failure(.revoked) }
            return Result { () throws(KeyRecordError) in try DKIMPublicKey(keyType: record.keyType, data: record.publicKeyData) }
        }
        let parsed = try? record.get()
        isTesting = parsed?.isTesting ?? false
        requiresExactIdentityDomain = parsed?.requiresExactIdentityDomain ?? false
        func refusal(_ algorithm: SignatureAlgorithm) -> KeyRecordError? {
            do throws(KeyRecordError) {
                try Self.check(record.get(), for: algorithm)
                return nil
            } catch {
                return error
            }
        }
        rsaSHA256Refusal = refusal(.rsaSHA256)
        ed25519SHA256Refusal = refusal(.ed25519SHA256)
        rsaSHA1Refusal = refusal(.rsaSHA1)
    }

    /// The public key for `signature`, or why the record refuses it: the record's own error, then the rules that depend
    /// on the signature, then the key's error.
    func key(for signature: DKIMSignature) throws(KeyRecordError) -> DKIMPublicKey {
        let refusal = switch signature.algorithm {
        case .rsaSHA256: rsaSHA256Refusal
        case .ed25519SHA256: ed25519SHA256Refusal
        case .rsaSHA1: rsaSHA1Refusal
        }
        if let refusal { throw refusal }
        if requiresExactIdentityDomain, signature.identityDomain.asciiLowercased != signature.domain.asciiLowercased {
            throw KeyRecordError("key record t=s requires i= in d= itself, not a subdomain (RFC 6376 §3.6.1)")
        }
        return try key.get()
    }

    /// The key record rules that depend on the algorithm (RFC 6376 §6.1.2, RFC 8301 §3.2).
    private static func check(_ record: KeyRecord, for algorithm: SignatureAlgorithm) throws(KeyRecordError) {
        guard !record.isRevoked else { throw KeyRecordError.revoked }
        guard record.keyType == algorithm.keyType else {
            throw KeyRecordError("key type k=\(record.keyType) does not match a=\(algorithm.rawValue) (RFC 6376 §6.1.2)")
        }
        if let hashes = record.hashes, !hashes.contains(algorithm.hashName) {
            throw KeyRecordError("key record h= does not allow \(algorithm.hashName) (RFC 6376 §3.6.1)")
        }
        guard record.serviceTypes.contains("*") || record.serviceTypes.contains("email") else {
            throw KeyRecordError("key record s= does not include email (RFC 6376 §3.6.1)")
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

    /// The index in ``headers`` of the field whose lower-case name is `name` (whose ``HeaderField/nameKey(of:)`` is
    /// `key`) when there is exactly one; nil when there is none or more than one.
    func onlyField(named name: String, key: UInt64) -> Int? {
        var found: Int?
        for index in headers.indices where headers[index].isNamed(name, key: key) {
            guard found == nil else { return nil }
            found = index
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

extension DKIMSignature {
    /// This signature's verdict: `result` for `reason`, with its `d=`, `s=`, AUID (`@d` when `i=` is absent) and `a=`.
    func verdict(_ result: DKIMResult, _ reason: String?, testing: Bool = false) -> DKIMVerdict {
        DKIMVerdict(result: result, reason: reason, domain: domain.asciiLowercased, selector: selector, identity: identity ?? "@" + domain,
                    algorithm: algorithm.rawValue, isTesting: testing)
    }
}
