import ArgumentParser
import Foundation

@main
struct LoaderLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loaderlab",
        abstract: "Run STM32CubeProgrammer external loaders (.stldr) on a simulated STM32U5 with a NOR flash and say why they fail.",
        subcommands: [ProgramCommand.self, InspectCommand.self, IdentifyCommand.self, BoardsCommand.self, MakeLoaderCommand.self, SampleImageCommand.self, BenchCommand.self]
    )

    /// As ArgumentParser's, except that a usage error (a missing or malformed option) exits
    /// with 2, the status every command uses for bad input, rather than EX_USAGE (64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
