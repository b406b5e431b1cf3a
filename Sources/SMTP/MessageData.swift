/// The bytes sent after a `354` reply (RFC 5321 §4.1.1.4, §4.5.2): line breaks normalized to CRLF, a `.` doubled at
/// the start of every line (dot-stuffing), a final CRLF added if missing, then the terminating `.` CRLF.
///
/// A lone CR or LF becomes CRLF, since RFC 5321 §2.3.8 forbids bare ones in the message.
func smtpMessageData(_ message: [UInt8]) -> [UInt8] {
    let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), dot = UInt8(ascii: ".")
    var out: [UInt8] = []
    out.reserveCapacity(message.count + message.count / 64 + 5)
    var atLineStart = true
    var index = 0
    while index < message.count {
        let byte = message[index]
        index += 1
        if byte == cr || byte == lf {
            if byte == cr, index < message.count, message[index] == lf { index += 1 }
            out += [cr, lf]
            atLineStart = true
            continue
        }
        if atLineStart, byte == dot { out.append(dot) }
        out.append(byte)
        atLineStart = false
    }
    if !atLineStart { out += [cr, lf] }
    out += [dot, cr, lf]
    return out
}
