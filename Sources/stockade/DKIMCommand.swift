import ArgumentParser

/// `stockade dkim` (issue 15).
struct DKIMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dkim", abstract: "DKIM (being built).")
}
