import ArgumentParser
import StockadeServer

/// The `stockade` command line: every subcommand only wires libraries together.
@main
struct Stockade: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stockade",
        abstract: "The security stack of a mail domain: DNSSEC, DANE, MTA-STS, WKD and a validating key server.",
        version: StockadeApplication.version,
        subcommands: [
            DNSCommand.self,
            DirectoryCommand.self,
            ServeCommand.self,
            WKDCommand.self,
            KeyCommand.self,
            MTASTSCommand.self,
            SMTPCommand.self,
            TLSACommand.self,
            SocketmapCommand.self,
            MilterCommand.self,
            VKSCommand.self,
            LookupCommand.self,
            VerifyCommand.self,
            SPFCommand.self,
            DKIMCommand.self,
            DMARCCommand.self,
            TLSRPTCommand.self,
            MigrateCommand.self,
            CAACommand.self,
            CheckCommand.self,
            InitCommand.self,
        ]
    )
}
