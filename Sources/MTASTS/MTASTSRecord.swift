/// The `_mta-sts` TXT record of a Policy Domain (RFC 8461 §3.1): the policy `id`, plus any extension fields.
///
/// ```
/// _mta-sts.example.com.  IN TXT "v=STSv1; id=20160831085700Z;"
/// ```
public struct MTASTSRecord: Sendable, Hashable {
    /// The only record version (RFC 8461 §3.1 `sts-version`).
    public static let version = "STSv1"
    /// The longest `id` (RFC 8461 §3.1 `sts-id = %s"id=" 1*32(ALPHA / DIGIT)`).
    public static let maximumIDLength = 32

    /// An extension field, `name=value` (RFC 8461 §3.1 `sts-extension`). Senders ignore unknown fields.
    public struct Extension: Sendable, Hashable {
        public let name: String
        public let value: String

        /// Checks `name` against `sts-ext-name` and `value` against `sts-ext-value` (RFC 8461 §3.1); `v` and `id`
        /// are not extensions.
        public init(name: String, value: String) throws(MTASTSError) {
            let field = name + "=" + value
            guard Grammar.isFieldName(name.utf8), name != "v", name != "id" else {
                throw .invalidExtension(field, "the name is not 1 to 32 letters, digits, \"_\", \"-\" or \".\" starting with a letter or digit, or is v or id")
            }
            guard Grammar.isRecordExtensionValue(value.utf8) else {
                throw .invalidExtension(field, "the value is empty or has a space, control character, \";\", \"=\" or non-ASCII character")
            }
            self.name = name
            self.value = value
        }
    }

    /// The policy instance ID: 1 to 32 letters and digits. It changes whenever the policy changes (RFC 8461 §3.1).
    public let id: String
    /// Extension fields in record order, each name once (the first occurrence; RFC 8461 §3.2 last paragraph).
    public let extensions: [Extension]

    /// A record for publishing: checks `id` against `sts-id` (RFC 8461 §3.1) and that extension names are distinct.
    public init(id: String, extensions: [Extension] = []) throws(MTASTSError) {
        guard Self.isID(id.utf8) else { throw .invalidID(id) }
        var names = Set<String>()
        for field in extensions where !names.insert(field.name).inserted {
            throw .invalidExtension(field.name + "=" + field.value, "the name appears more than once")
        }
        self.id = id
        self.extensions = extensions
    }

    /// The record as published: `v=STSv1; id=…`, then `; name=value` for each extension. Parsing it gives this record.
    public var text: String {
        (["v=\(Self.version)", "id=\(id)"] + extensions.map { "\($0.name)=\($0.value)" }).joined(separator: "; ")
    }

    /// Selects and reads the MTA-STS record from a TXT RRset (RFC 8461 §3.1).
    ///
    /// - Parameter txt: the TXT records of `_mta-sts.<domain>`, each as its list of character-strings. A record's
    ///   strings are concatenated without adding spaces ("MUST be treated as if those strings are concatenated").
    /// - Throws: ``MTASTSError/noRecord`` when no record begins with `v=STSv1`, ``MTASTSError/multipleRecords(_:)``
    ///   when several do (records not beginning with it are discarded first), or the error that makes the one
    ///   selected record invalid. Every one of these means the domain has no usable MTA-STS record.
    public init(parsing txt: [[String]]) throws(MTASTSError) {
        let candidates = txt.map { $0.joined() }.filter(Self.beginsWithVersion)
        guard let record = candidates.first else { throw .noRecord }
        guard candidates.count == 1 else { throw .multipleRecords(candidates.count) }
        try self.init(parsing: record)
    }

    /// Reads one record, already concatenated, against the `sts-text-record` grammar (RFC 8461 §3.1).
    ///
    /// The record MUST begin with `v=STSv1`; fields are separated by `;` with optional spaces or tabs around it, and
    /// a final `;` is allowed. `id` is required. Extension fields must follow `sts-ext-name "=" sts-ext-value` and
    /// are kept but have no meaning. Of a repeated field only the first counts: RFC 8461 §3.2's closing paragraph,
    /// which covers "TXT records and policy files", says "all entries except for the first SHALL be ignored";
    /// ignored repeats must still be well-formed fields. Spaces or tabs after the last field are accepted.
    public init(parsing record: String) throws(MTASTSError) {
        guard Self.beginsWithVersion(record) else { throw .noRecord }
        let bytes = Array(record.utf8)
        guard bytes.allSatisfy({ $0 < 0x80 }) else { throw .notASCII(record) }

        var id: String?
        var extensions: [Extension] = []
        var seen: Set<String> = ["v"]
        var index = Self.versionPrefix.count
        while true {
            // sts-field-delim = *WSP ";" *WSP, then a field, or the end after an optional final delimiter.
            while index < bytes.count, Grammar.isWhitespace(bytes[index]) { index += 1 }
            if index == bytes.count { break }
            guard bytes[index] == 0x3B else {
                throw .malformedRecord(record, "expected \";\" at offset \(index)")
            }
            index += 1
            while index < bytes.count, Grammar.isWhitespace(bytes[index]) { index += 1 }
            if index == bytes.count { break }
            let start = index
            while index < bytes.count, bytes[index] != 0x3B, !Grammar.isWhitespace(bytes[index]) { index += 1 }
            let field = bytes[start..<index]
            guard !field.isEmpty else { throw .malformedRecord(record, "empty field at offset \(start)") }
            guard let equals = field.firstIndex(of: 0x3D) else {
                throw .malformedRecord(record, "field \(MTASTSError.quoted(String(decoding: field, as: UTF8.self))) has no \"=\"")
            }
            let name = String(decoding: field[start..<equals], as: UTF8.self)
            let value = String(decoding: field[(equals + 1)...], as: UTF8.self)
            let isFirst = seen.insert(name).inserted
            if name == "id" && isFirst {
                guard Self.isID(value.utf8) else { throw .invalidID(value) }
                id = value
            } else {
                // A repeated v or id is ignored, but must still be a well-formed field (sts-extension).
                guard Grammar.isFieldName(name.utf8) else {
                    throw .invalidExtension(name + "=" + value, "the name is not 1 to 32 letters, digits, \"_\", \"-\" or \".\" starting with a letter or digit")
                }
                guard Grammar.isRecordExtensionValue(value.utf8) else {
                    throw .invalidExtension(name + "=" + value, "the value is empty or has a \"=\" or control character")
                }
                if isFirst && name != "id" { extensions.append(try Extension(name: name, value: value)) }
            }
        }
        guard let id else { throw .missingID }
        self.id = id
        self.extensions = extensions
    }

    /// `v=STSv1` as bytes.
    private static let versionPrefix = Array("v=\(version)".utf8)

    /// Whether a record begins with the `sts-version` field: `v=STSv1` followed by the end, a space or tab, or `;`
    /// (RFC 8461 §3.1 discards the others; `v=STSv10` does not begin with the field).
    static func beginsWithVersion(_ record: String) -> Bool {
        let bytes = record.utf8
        guard bytes.starts(with: versionPrefix) else { return false }
        guard let next = bytes.dropFirst(versionPrefix.count).first else { return true }
        return next == 0x3B || Grammar.isWhitespace(next)
    }

    /// `1*32(ALPHA / DIGIT)` (RFC 8461 §3.1 `sts-id`).
    static func isID<C: Collection<UInt8>>(_ id: C) -> Bool {
        (1...maximumIDLength).contains(id.count) && id.allSatisfy(Grammar.isAlphanumeric)
    }
}
