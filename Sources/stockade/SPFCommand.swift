import ArgumentParser

/// `stockade spf` (issue 15).
struct SPFCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "spf", abstract: "SPF (being built).")
}
