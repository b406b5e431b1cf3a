import DKIM
import Testing

/// RFC 6376 §3.2: tag=value lists.
@Suite struct TagListTests {
    @Test("§3.2: names, values, folding white space around them and an optional final semicolon")
    func parsesWithFWS() throws {
        let list = try TagList(parsing: Array("v=1;  a = rsa-sha256 ;\r\n\tb=ab\r\n cd ; z=;".utf8))
        #expect(list.tags.map(\.name) == ["v", "a", "b", "z"])
        #expect(list.tags.map(\.value) == ["1", "rsa-sha256", "ab\r\n cd", ""])
        #expect(list["a"] == "rsa-sha256")
    }

    @Test("§3.2: a tag name given twice makes the whole list invalid")
    func duplicateIsAnError() {
        #expect(throws: TagListError.self) { try TagList(parsing: Array("a=1; b=2; a=1".utf8)) }
    }

    @Test("§3.2: tag names are case-sensitive (A and a are different tags)")
    func caseSensitiveNames() throws {
        let list = try TagList(parsing: Array("a=1; A=2".utf8))
        #expect(list["a"] == "1")
        #expect(list["A"] == "2")
    }

    @Test("§3.2: unknown tags are kept by the parser (and ignored by its readers)")
    func unknownTagsKept() throws {
        #expect(try TagList(parsing: Array("foo_1=bar; v=1".utf8)).tags.map(\.name) == ["foo_1", "v"])
    }

    @Test("§3.2 grammar: malformed lists are refused", arguments: [
        "a=1;;b=2", "1a=2", "a", "a=1; =2", "a=b\u{e9}", "a=1\r\nb=2", "a=x;y", "a=1\r\n",
    ])
    func malformed(text: String) {
        #expect(throws: TagListError.self) { try TagList(parsing: Array(text.utf8)) }
    }

    @Test("An empty list and a list of white space are empty, not errors")
    func emptyList() throws {
        #expect(try TagList(parsing: Array("".utf8)).tags.isEmpty)
        #expect(try TagList(parsing: Array(" \t ".utf8)).tags.isEmpty)
    }

    @Test("Value positions point at the trimmed value, for blanking b= (§3.7)")
    func valueRange() throws {
        let bytes = Array("b= abc ; bh=x".utf8)
        let tag = try #require(try TagList(parsing: bytes).tag("b"))
        #expect(String(decoding: bytes[tag.valueRange], as: UTF8.self) == "abc")
    }

    @Test("More than DKIMLimits.maximumTagCount tags are refused")
    func tooManyTags() {
        let text = (0...DKIMLimits.maximumTagCount).map { "t\($0)=1" }.joined(separator: ";")
        #expect(throws: TagListError.self) { try TagList(parsing: Array(text.utf8)) }
    }
}
