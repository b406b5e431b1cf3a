import ArgumentParser

/// `stockade tlsrpt` (issue 17).
struct TLSRPTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tlsrpt", abstract: "SMTP TLS Reporting (being built).")
}
