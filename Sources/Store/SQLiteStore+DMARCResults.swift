import GRDB

extension SQLiteStore {
    /// The milter's evaluated messages, for DMARC aggregate reports (RFC 9990).
    static func createDMARCResultTables(_ db: Database) throws {}
}
