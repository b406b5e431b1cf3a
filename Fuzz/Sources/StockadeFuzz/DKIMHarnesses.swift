import DKIM

/// `DKIMSignature(field:)`, `TagList(parsing:)` and `KeyRecord(parsing:)`: the value of a `DKIM-Signature` field or
/// the text of a key record, both RFC 6376 §3.2 tag lists from outside.
enum DKIMSignatureHarness {
    static func run(_ input: [UInt8]) {
        if let tags = try? TagList(parsing: input) {
            require(tags.tags.count <= DKIMLimits.maximumTagCount, "\(tags.tags.count) tags")
            require(Set(tags.tags.map(\.name)).count == tags.tags.count, "a duplicated tag was accepted")
            for tag in tags.tags {
                require(tag.valueRange.upperBound <= input.count, "value range outside the input")
                require(String(decoding: input[tag.valueRange], as: UTF8.self) == tag.value, "value \(tag.value) is not its range")
                require(tag.value.utf8.first.map { $0 != 0x20 && $0 != 0x09 } ?? true, "value not trimmed: \(tag.value)")
            }
        }
        guard let field = HeaderField(raw: Array("DKIM-Signature:".utf8) + input) else {
            fatalError("a field with a name and a colon was not made")
        }
        do {
            let signature = try DKIMSignature(field: field)
            require(signature.signedHeaders.contains("from"), "h= without from accepted")
            require(signature.signedHeaders.count <= DKIMLimits.maximumSignedHeaderNames, "\(signature.signedHeaders.count) h= names")
            require(!signature.signature.isEmpty && !signature.bodyHash.isEmpty, "empty b= or bh= accepted")
            let domain = signature.domain.lowercased(), identity = signature.identityDomain.lowercased()
            require(identity == domain || identity.hasSuffix("." + domain), "i= \(identity) outside d= \(domain)")
            if let t = signature.timestamp, let x = signature.expiration { require(x > t, "x= \(x) not after t= \(t)") }
            require((signature.bodyLength ?? 0) >= 0, "negative l=")
        } catch {
            require(!error.reason.isEmpty, "a DKIMSignatureError without a reason")
        }
        do {
            let record = try KeyRecord(parsing: input)
            require(input.count <= DKIMLimits.maximumKeyRecordSize, "accepted a key record of \(input.count) octets")
            require(!record.keyType.isEmpty && !record.serviceTypes.isEmpty, "empty k= or s= after defaults")
        } catch {
            require(!error.reason.isEmpty, "a KeyRecordError without a reason")
        }
    }
}

/// `DKIMMessage(parsing:)`: a whole message as an MTA receives it, then its body canonicalizations.
enum DKIMMessageHarness {
    static func run(_ input: [UInt8]) {
        let message: DKIMMessage
        do {
            message = try DKIMMessage(parsing: input)
        } catch {
            require(!error.reason.isEmpty, "a DKIMError without a reason")
            return
        }
        require(message.headers.count <= DKIMLimits.maximumHeaderCount, "\(message.headers.count) header fields")
        for field in message.headers {
            require(field.raw.count <= DKIMLimits.maximumHeaderFieldSize, "a field of \(field.raw.count) octets")
            require(!field.name.isEmpty, "a field without a name")
        }
        // No bare LF survives, and the wire form reads back as the same message.
        let bytes = message.bytes
        for index in bytes.indices where bytes[index] == 0x0A {
            require(index > 0 && bytes[index - 1] == 0x0D, "a bare LF at \(index)")
        }
        do {
            let again = try DKIMMessage(parsing: bytes)
            require(again == message, "the wire form reads back differently")
        } catch {
            unexpected(error, "the wire form of a message")
        }
        // Canonicalizing a canonical body changes nothing (RFC 6376 §3.4.3, §3.4.4).
        for canonicalization in Canonicalization.allCases {
            let once = canonicalization.canonicalize(body: message.body)
            require(canonicalization.canonicalize(body: once) == once, "\(canonicalization) body canonicalization is not idempotent")
        }
    }
}
