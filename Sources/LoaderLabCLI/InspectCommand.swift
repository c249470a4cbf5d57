import ArgumentParser
import ELF
import Foundation
import LoaderFile

/// `loaderlab inspect LOADER [--json]`: what a .stldr declares and what is wrong with it,
/// without running it.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a loader's StorageInfo, entry points and load segments, and check them against the CubeProgrammer contract.",
        discussion: """
            Exit status: 0 when there are no errors (warnings and notes allowed), 1 when the loader \
            has errors, 2 when the file cannot be read as an ELF at all.
            """
    )

    @Argument(help: "The external loader (.stldr ELF file) to inspect.")
    var loader: String

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Option(help: "Bytes of contiguous RAM from 0x2000_0000 the loader must fit in with its stack (default: STM32U5G7 SRAM1-6, 0x2F0000).")
    var ramSize: UInt32 = LintOptions.stm32u5g7.ramSize

    func run() throws {
        let status = execute(
            output: { print($0, terminator: "") },
            diagnostics: { FileHandle.standardError.write(Data($0.utf8)) }
        )
        if status != 0 { throw ExitCode(status) }
    }

    /// Does the work, writing the report to `output` and read failures to `diagnostics`;
    /// returns the exit status. Tests call this with capturing closures.
    func execute(output: (String) -> Void, diagnostics: (String) -> Void) -> Int32 {
        let file: LoaderFile
        do {
            file = try LoaderFile(bytes: InputFile.read(loader, limit: FileReading.loaderLimit), name: (loader as NSString).lastPathComponent)
        } catch let error as FileAccessError {
            diagnostics("\(loader): error: \(error.reason)\n")
            if json { output(BadInput(error: error.reason, file: loader).jsonText + "\n") }
            return 2
        } catch let error as LoaderFileError {
            diagnostics("\(error.description.replacingFirst(": ", with: ": error: "))\n")
            if json { output(BadInput(loader: error, file: loader).jsonText + "\n") }
            return 2
        } catch {
            diagnostics("\(loader): error: \(error)\n")
            return 2
        }
        let report = InspectReport(loader: file, findings: file.lint(options: LintOptions(ramSize: ramSize)))
        output(json ? report.json() + "\n" : report.text())
        return report.hasErrors ? 1 : 0
    }
}

extension String {
    /// `loader.stldr: not an ELF file` → `loader.stldr: error: not an ELF file`.
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
