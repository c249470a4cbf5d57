import ArgumentParser

@main
struct LoaderLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loaderlab",
        abstract: "Run STM32CubeProgrammer external loaders (.stldr) on a simulated STM32U5 + IS25LP512M and say why they fail.",
        subcommands: [ProgramCommand.self, InspectCommand.self, MakeLoaderCommand.self, SampleImageCommand.self, BenchCommand.self]
    )
}
