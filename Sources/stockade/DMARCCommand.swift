import ArgumentParser

/// `stockade dmarc` (issue 15).
struct DMARCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dmarc", abstract: "DMARC (being built).")
}
