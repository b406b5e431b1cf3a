/// Quoted-printable encoding of text (RFC 2045 §6.7) with CRLF line breaks.
///
/// Line breaks in the input (CRLF, LF or CR) become hard CRLF breaks; other octets outside `!`…`~`, and `=`, become
/// `=XX`; a space or tab is encoded only at the end of a line (rule 3). Soft breaks (`=` CRLF, rule 5) keep every
/// encoded line at most 76 characters. The output ends with CRLF when it is not empty.
func quotedPrintable(_ text: [UInt8]) -> [UInt8] {
    let hex = Array("0123456789ABCDEF".utf8)
    let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
    var out: [UInt8] = []
    var lines: [ArraySlice<UInt8>] = []
    var start = 0, index = 0
    while index < text.count {
        if text[index] == cr || text[index] == lf {
            lines.append(text[start..<index])
            if text[index] == cr, index + 1 < text.count, text[index + 1] == lf { index += 1 }
            start = index + 1
        }
        index += 1
    }
    if start < text.count { lines.append(text[start...]) }
    for line in lines {
        var length = 0
        for (offset, byte) in zip(line.indices, line) {
            let last = offset == line.index(before: line.endIndex)
            let literal = (byte >= 0x21 && byte <= 0x7E && byte != UInt8(ascii: "=")) || ((byte == 0x20 || byte == 0x09) && !last)
            let token: [UInt8] = literal ? [byte] : [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            // A soft break takes one more character: keep room for it unless this token ends the line.
            if length + token.count > (last ? 76 : 75) {
                out += [UInt8(ascii: "="), cr, lf]
                length = 0
            }
            out += token
            length += token.count
        }
        out += [cr, lf]
    }
    return out
}
