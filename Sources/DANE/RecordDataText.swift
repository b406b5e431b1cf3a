import DNS

/// Presentation text of TLSA records, as `dig +short` prints it (`3 1 1 ABCD…`).
enum RecordDataText {
    static func tlsa(_ record: TLSA) -> String { RecordData.tlsa(record).presentation }
}
