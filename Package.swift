// swift-tools-version:6.0
import PackageDescription

// The lab: reads loaders and images, emulates a Cortex-M33 with STM32U5 peripherals and
// an IS25LP512M, and hosts a .stldr the way STM32CubeProgrammer does. The loader itself
// lives in Firmware/ (its own package, Embedded Swift): the two share no code on purpose.
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]
/// The emulator's hot path (MMIO callbacks, per-block hooks, the shared clock) pays for a
/// runtime exclusivity check on every class property access; measured 15 % of a session
/// (docs/benchmarks.md). Release builds only: debug builds and tests keep the checks.
let hotPath: [SwiftSetting] = strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "LoaderLab",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "loaderlab", targets: ["LoaderLabCLI"]),
        .library(name: "LoaderLab", targets: ["VirtualTime", "ELF", "FirmwareImage", "LoaderFile", "CortexM", "STM32U5", "NORFlash", "Board", "Programmer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CUnicorn",
            pkgConfig: "unicorn",
            providers: [.apt(["libunicorn-dev"]), .brew(["unicorn"])]
        ),
        // Unicorn 2.0.1's slow path for every guest store, shortened (CUnicornStores.h says how).
        .target(name: "CUnicornStores", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // A peripheral's hot registers answered in C (CBusWindow.h says how).
        .target(name: "CBusWindow", dependencies: ["CUnicornStores"], linkerSettings: [.linkedLibrary("unicorn")]),
        .target(name: "VirtualTime", swiftSettings: hotPath),
        .target(name: "ELF", swiftSettings: strict),
        .target(name: "FirmwareImage", dependencies: ["ELF"], swiftSettings: strict),
        .target(name: "LoaderFile", dependencies: ["ELF", "Board"], swiftSettings: strict),
        .target(name: "CortexM", dependencies: ["CUnicorn", "CUnicornStores", "CBusWindow", "VirtualTime"], swiftSettings: hotPath),
        .target(name: "NORFlash", dependencies: ["VirtualTime"], swiftSettings: hotPath),
        .target(name: "Board", dependencies: ["NORFlash"], swiftSettings: strict),
        .target(name: "STM32U5", dependencies: ["CortexM", "NORFlash", "Board", "VirtualTime"], swiftSettings: hotPath),
        .target(
            name: "Programmer",
            dependencies: ["ELF", "FirmwareImage", "LoaderFile", "CortexM", "STM32U5", "NORFlash", "Board", "VirtualTime"],
            swiftSettings: strict
        ),
        // The GDB Remote Serial Protocol (ours) over SwiftNIO's TCP, and the lab's side of it.
        .target(
            name: "GDBServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "LabGDB",
            dependencies: ["GDBServer", "Programmer", "CortexM", "STM32U5", "NORFlash", "LoaderFile", "ELF", "VirtualTime"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "LoaderLabCLI",
            dependencies: [
                "ELF", "FirmwareImage", "LoaderFile", "CortexM", "STM32U5", "NORFlash", "Board", "Programmer", "VirtualTime", "LabGDB",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Shared by the test targets only: where the repository is, building fixtures on demand.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "ELFTests", dependencies: ["ELF"], swiftSettings: strict),
        .testTarget(name: "FirmwareImageTests", dependencies: ["FirmwareImage", "ELF"], swiftSettings: strict),
        .testTarget(name: "LoaderFileTests", dependencies: ["LoaderFile", "ELF", "TestSupport", "Board"], swiftSettings: strict),
        .testTarget(name: "CortexMTests", dependencies: ["CortexM", "ELF", "VirtualTime"], swiftSettings: strict),
        .testTarget(name: "NORFlashTests", dependencies: ["NORFlash", "VirtualTime"], swiftSettings: strict),
        .testTarget(name: "BoardTests", dependencies: ["Board", "NORFlash", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "STM32U5Tests", dependencies: ["STM32U5", "NORFlash", "CortexM", "Board", "VirtualTime"], swiftSettings: strict),
        .testTarget(
            name: "ProgrammerTests",
            dependencies: ["Programmer", "LoaderFile", "ELF", "FirmwareImage", "CortexM", "STM32U5", "NORFlash", "Board", "VirtualTime", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(name: "LoaderLabCLITests", dependencies: ["LoaderLabCLI", "TestSupport", "ELF", "LoaderFile"], swiftSettings: strict),
        .testTarget(name: "GDBServerTests", dependencies: ["GDBServer"], swiftSettings: strict),
        .testTarget(name: "LabGDBTests", dependencies: ["LabGDB", "GDBServer", "TestSupport"], swiftSettings: strict),
    ]
)
