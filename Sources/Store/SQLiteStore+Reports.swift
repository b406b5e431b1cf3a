import GRDB

extension SQLiteStore {
    /// Received TLSRPT and DMARC aggregate reports.
    static func createReportTables(_ db: Database) throws {}
}
