/// One element as ``BoundedXML`` reads it: its namespace and local name, attributes, child elements and the character
/// data directly inside it (references decoded, CDATA included, comments and processing instructions dropped).
package struct XMLNode: Sendable, Hashable {
    /// The namespace URI the element's prefix (or the default namespace) is bound to; `nil` for none.
    package var namespace: String?
    /// The local name, without prefix.
    package var name: String
    /// Attributes other than namespace declarations, by qualified name as written, in document order.
    package var attributes: [(name: String, value: String)]
    package var children: [XMLNode]
    /// Every piece of character data directly inside the element, concatenated.
    package var text: String

    package static func == (lhs: XMLNode, rhs: XMLNode) -> Bool {
        lhs.namespace == rhs.namespace && lhs.name == rhs.name && lhs.children == rhs.children && lhs.text == rhs.text
            && lhs.attributes.map(\.name) == rhs.attributes.map(\.name) && lhs.attributes.map(\.value) == rhs.attributes.map(\.value)
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(namespace)
        hasher.combine(name)
        hasher.combine(children)
        hasher.combine(text)
    }
}

/// A small, strict XML 1.0 reader for documents from strangers (DMARC aggregate reports), with explicit limits.
///
/// It reads UTF-8 documents with an optional byte order mark and XML declaration, elements, attributes, namespaces
/// (XML Namespaces 1.0), character data, CDATA sections, comments and processing instructions. It refuses any
/// document type declaration (so no DTD, no external or internal entities: no "billion laughs", no XXE) and any
/// entity reference other than the five predefined ones (`&lt;` `&gt;` `&amp;` `&quot;` `&apos;`) and character
/// references (`&#NN;`, `&#xHH;`).
package enum BoundedXML {
    /// The largest document read, in octets. A day of reports about a large domain is a few megabytes of XML.
    package static let maximumSize = 32 << 20
    /// The deepest element nesting (an aggregate report needs 5; extensions may add a few).
    package static let maximumDepth = 32
    /// The most elements in one document (about 25 per report record).
    package static let maximumElements = 1 << 20
    /// The most attributes (namespace declarations included) on one element.
    package static let maximumAttributes = 16
    /// The longest element or attribute name, in octets.
    package static let maximumNameLength = 256

    /// Reads a whole document and returns its root element.
    package static func parse(_ bytes: [UInt8]) throws(AggregateReportError) -> XMLNode {
        guard bytes.count <= maximumSize else { throw .limit("the document is larger than \(maximumSize) octets") }
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }

    private struct Open {
        var qualifiedName: [UInt8]
        var node: XMLNode
        var text: [UInt8]
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0
        var elements = 0
        /// Namespace bindings in scope, innermost last; `""` is the default namespace, a nil value undeclares it.
        var scopes: [[String: String?]] = [["xml": "http://www.w3.org/XML/1998/namespace"]]

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func document() throws(AggregateReportError) -> XMLNode {
            try checkCharacters()
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
            if starts("<?xml") && index + 5 < bytes.count && Self.isSpace(bytes[index + 5]) {
                try skip(past: "?>", what: "XML declaration")
            }
            try miscellany()
            guard starts("<"), !starts("</") else { throw .malformed("no root element") }
            let root = try element()
            try miscellany()
            guard index == bytes.count else { throw .malformed("content after the root element") }
            return root
        }

        /// Every octet is valid UTF-8 and an XML `Char` (no C0 controls but tab, LF and CR).
        func checkCharacters() throws(AggregateReportError) {
            guard String(validating: bytes, as: UTF8.self) != nil else { throw .malformed("the document is not UTF-8") }
            if bytes.contains(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) {
                throw .malformed("a control character that XML does not allow")
            }
        }

        /// White space, comments and processing instructions outside the root element; a DTD is refused.
        mutating func miscellany() throws(AggregateReportError) {
            while index < bytes.count {
                if Self.isSpace(bytes[index]) {
                    index += 1
                } else if starts("<!--") {
                    try comment()
                } else if starts("<!DOCTYPE") || starts("<!doctype") {
                    throw .malformed("document type declarations are refused")
                } else if starts("<?") {
                    try skip(past: "?>", what: "processing instruction")
                } else {
                    return
                }
            }
        }

        /// The root element and everything inside it, with an explicit stack (no recursion).
        mutating func element() throws(AggregateReportError) -> XMLNode {
            var stack: [Open] = []
            while true {
                guard index < bytes.count else { throw .malformed("the document ends inside an element") }
                if starts("</") {
                    index += 2
                    let name = try name()
                    skipSpaces()
                    guard take(">") else { throw .malformed("an end tag without \">\"") }
                    guard var open = stack.popLast(), open.qualifiedName == name else { throw .malformed("mismatched end tag") }
                    open.node.text = String(decoding: open.text, as: UTF8.self)
                    scopes.removeLast()
                    guard !stack.isEmpty else { return open.node }
                    stack[stack.count - 1].node.children.append(open.node)
                } else if starts("<!--") {
                    try comment()
                } else if starts("<![CDATA[") {
                    index += 9
                    guard let end = find("]]>") else { throw .malformed("an unterminated CDATA section") }
                    guard !stack.isEmpty else { throw .malformed("CDATA outside the root element") }
                    stack[stack.count - 1].text += bytes[index..<end]
                    index = end + 3
                } else if starts("<!") {
                    throw .malformed("a declaration inside the document")
                } else if starts("<?") {
                    try skip(past: "?>", what: "processing instruction")
                } else if starts("<") {
                    guard stack.count < BoundedXML.maximumDepth else { throw .limit("elements nested deeper than \(BoundedXML.maximumDepth)") }
                    elements += 1
                    guard elements <= BoundedXML.maximumElements else { throw .limit("more than \(BoundedXML.maximumElements) elements") }
                    index += 1
                    let (open, empty) = try startTag()
                    if empty {
                        scopes.removeLast()
                        guard !stack.isEmpty else { return open.node }
                        stack[stack.count - 1].node.children.append(open.node)
                    } else {
                        stack.append(open)
                    }
                } else {
                    guard !stack.isEmpty else { throw .malformed("text outside the root element") }
                    let text = try characterData()
                    stack[stack.count - 1].text += text
                }
            }
        }

        /// After `<`: the name, attributes and `>` or `/>`. Pushes the element's namespace scope.
        mutating func startTag() throws(AggregateReportError) -> (Open, empty: Bool) {
            let qualifiedName = try name()
            var attributes: [(name: [UInt8], value: String)] = []
            var empty = false
            while true {
                let spaced = skipSpaces()
                if take("/>") { empty = true; break }
                if take(">") { break }
                guard spaced else { throw .malformed("attributes must be separated by white space") }
                let attributeName = try name()
                skipSpaces()
                guard take("=") else { throw .malformed("an attribute without \"=\"") }
                skipSpaces()
                let value = try attributeValue()
                guard !attributes.contains(where: { $0.name == attributeName }) else { throw .malformed("a repeated attribute") }
                attributes.append((attributeName, value))
                guard attributes.count <= BoundedXML.maximumAttributes else {
                    throw .limit("more than \(BoundedXML.maximumAttributes) attributes on one element")
                }
            }
            var declarations: [String: String?] = [:]
            var plain: [(name: String, value: String)] = []
            for (name, value) in attributes {
                let text = String(decoding: name, as: UTF8.self)
                if text == "xmlns" {
                    declarations[""] = value.isEmpty ? .some(nil) : .some(value)
                } else if text.hasPrefix("xmlns:") {
                    guard !value.isEmpty else { throw .malformed("a namespace prefix bound to the empty name") }
                    declarations[String(text.dropFirst(6))] = .some(value)
                } else {
                    plain.append((text, value))
                }
            }
            var scope = scopes[scopes.count - 1]
            scope.merge(declarations) { $1 }
            scopes.append(scope)
            let (prefix, local) = Self.split(qualifiedName)
            let namespace: String?
            if let prefix {
                guard let bound = scope[prefix], let uri = bound else { throw .malformed("an unbound namespace prefix") }
                namespace = uri
            } else {
                namespace = scope[""] ?? nil
            }
            for attribute in plain {
                let (prefix, _) = Self.split(Array(attribute.name.utf8))
                if let prefix, (scope[prefix] ?? nil) == nil { throw .malformed("an unbound namespace prefix") }
            }
            let node = XMLNode(namespace: namespace, name: local, attributes: plain, children: [], text: "")
            return (Open(qualifiedName: qualifiedName, node: node, text: []), empty)
        }

        /// `prefix:local`: a colon must have a name on both sides.
        static func split(_ name: [UInt8]) -> (prefix: String?, local: String) {
            guard let colon = name.firstIndex(of: UInt8(ascii: ":")), colon > 0, colon < name.count - 1 else {
                return (nil, String(decoding: name, as: UTF8.self))
            }
            return (String(decoding: name[..<colon], as: UTF8.self), String(decoding: name[(colon + 1)...], as: UTF8.self))
        }

        mutating func name() throws(AggregateReportError) -> [UInt8] {
            let start = index
            guard index < bytes.count, Self.isNameStart(bytes[index]) else { throw .malformed("a name was expected") }
            index += 1
            while index < bytes.count, Self.isNameStart(bytes[index]) || Self.isNameRest(bytes[index]) {
                index += 1
                guard index - start <= BoundedXML.maximumNameLength else {
                    throw .limit("a name longer than \(BoundedXML.maximumNameLength) octets")
                }
            }
            return Array(bytes[start..<index])
        }

        mutating func attributeValue() throws(AggregateReportError) -> String {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw .malformed("an attribute value without quotes")
            }
            let quote = bytes[index]
            index += 1
            var value: [UInt8] = []
            while true {
                guard index < bytes.count else { throw .malformed("an unterminated attribute value") }
                let byte = bytes[index]
                if byte == quote { index += 1; break }
                if byte == UInt8(ascii: "<") { throw .malformed("\"<\" in an attribute value") }
                if byte == UInt8(ascii: "&") {
                    value += try reference()
                } else {
                    // Attribute-value normalization (XML 1.0 §3.3.3): white space characters become spaces.
                    value.append(Self.isSpace(byte) ? 0x20 : byte)
                    index += 1
                }
            }
            return String(decoding: value, as: UTF8.self)
        }

        /// Text up to the next `<`, references decoded.
        mutating func characterData() throws(AggregateReportError) -> [UInt8] {
            var text: [UInt8] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: "<") {
                if bytes[index] == UInt8(ascii: "&") {
                    text += try reference()
                } else {
                    if bytes[index] == UInt8(ascii: ">"), index >= 2, bytes[index - 1] == UInt8(ascii: "]"), bytes[index - 2] == UInt8(ascii: "]") {
                        throw .malformed("\"]]>\" in character data")
                    }
                    text.append(bytes[index])
                    index += 1
                }
            }
            return text
        }

        /// `&name;` for the five predefined entities, `&#NN;` and `&#xHH;` for characters XML allows.
        mutating func reference() throws(AggregateReportError) -> [UInt8] {
            let start = index + 1
            var end = start
            while end < bytes.count, end - start <= 10, bytes[end] != UInt8(ascii: ";") { end += 1 }
            guard end < bytes.count, bytes[end] == UInt8(ascii: ";") else { throw .malformed("an unterminated reference") }
            let body = bytes[start..<end]
            index = end + 1
            switch String(decoding: body, as: UTF8.self) {
            case "lt": return [UInt8(ascii: "<")]
            case "gt": return [UInt8(ascii: ">")]
            case "amp": return [UInt8(ascii: "&")]
            case "quot": return [UInt8(ascii: "\"")]
            case "apos": return [UInt8(ascii: "'")]
            default: break
            }
            guard body.first == UInt8(ascii: "#") else { throw .malformed("an entity reference other than the predefined five") }
            var digits = body.dropFirst()
            var radix: UInt32 = 10
            if digits.first == UInt8(ascii: "x") {
                radix = 16
                digits = digits.dropFirst()
            }
            guard !digits.isEmpty, digits.count <= 8 else { throw .malformed("a malformed character reference") }
            var value: UInt32 = 0
            for digit in digits {
                guard let number = Self.digitValue(digit, radix: radix) else { throw .malformed("a malformed character reference") }
                value = value * radix + number
            }
            guard let scalar = Unicode.Scalar(value), Self.isXMLChar(scalar) else {
                throw .malformed("a character reference to a character XML does not allow")
            }
            return Array(String(Character(scalar)).utf8)
        }

        mutating func comment() throws(AggregateReportError) {
            index += 4
            guard let end = find("--") else { throw .malformed("an unterminated comment") }
            guard end + 2 < bytes.count, bytes[end + 2] == UInt8(ascii: ">") else { throw .malformed("\"--\" inside a comment") }
            index = end + 3
        }

        mutating func skip(past terminator: String, what: String) throws(AggregateReportError) {
            guard let end = find(terminator) else { throw .malformed("an unterminated \(what)") }
            index = end + terminator.utf8.count
        }

        func find(_ needle: String) -> Int? {
            let pattern = Array(needle.utf8)
            var position = index
            while position + pattern.count <= bytes.count {
                if bytes[position] == pattern[0], bytes[position..<(position + pattern.count)].elementsEqual(pattern) { return position }
                position += 1
            }
            return nil
        }

        func starts(_ prefix: String) -> Bool {
            let pattern = prefix.utf8
            guard index + pattern.count <= bytes.count else { return false }
            return bytes[index..<(index + pattern.count)].elementsEqual(pattern)
        }

        mutating func take(_ prefix: String) -> Bool {
            guard starts(prefix) else { return false }
            index += prefix.utf8.count
            return true
        }

        @discardableResult
        mutating func skipSpaces() -> Bool {
            let start = index
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
            return index > start
        }

        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

        /// ASCII letters, `_`, `:` and any non-ASCII octet (XML 1.0 `NameStartChar`, non-ASCII ranges taken whole).
        static func isNameStart(_ byte: UInt8) -> Bool {
            (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte >= 0x80
        }

        static func isNameRest(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }

        static func digitValue(_ byte: UInt8, radix: UInt32) -> UInt32? {
            switch byte {
            case 0x30...0x39: UInt32(byte - 0x30)
            case 0x61...0x66 where radix == 16: UInt32(byte - 0x61 + 10)
            case 0x41...0x46 where radix == 16: UInt32(byte - 0x41 + 10)
            default: nil
            }
        }

        /// XML 1.0 `Char`.
        static func isXMLChar(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
            default: false
            }
        }
    }
}
