// swift-tools-version:6.0
import PackageDescription

// The loader: an STM32CubeProgrammer external loader (.stldr) for an STM32U5G7 with an
// ISSI IS25LP512M on OCTOSPI, in Embedded Swift. Built only for the bare-metal triple:
//   swift build -c release --triple armv7em-none-none-eabi
// and linked into build/IS25LP512M_STM32U5G7.stldr by build.sh with the toolchain's ld.lld.
//
// Soft-float on purpose: the programmer never enables CP10/CP11 (CPACR), so a single VFP
// instruction would fault (NOCP UsageFault). The loader has no floating point at all, and
// -mfloat-abi=soft keeps the compiler from using VFP registers for copies either.
let embedded: [SwiftSetting] = [
    .enableExperimentalFeature("Embedded"),
    .unsafeFlags([
        "-wmo", "-Osize", "-enforce-exclusivity=unchecked", "-Xfrontend", "-remove-runtime-asserts",
        "-Xfrontend", "-function-sections",
        "-Xfrontend", "-disable-stack-protector",
        "-Xcc", "-mfloat-abi=soft",
        "-Xcc", "-ffreestanding",
    ]),
]

let package = Package(
    name: "LoaderFirmware",
    products: [
        .library(name: "Loader", type: .static, targets: ["Loader"]),
    ],
    targets: [
        // Three instructions Swift cannot spell (cpsid, dsb, isb) and the addresses of
        // linker-script symbols, as static inline C functions.
        .target(
            name: "LoaderSupport",
            cSettings: [.unsafeFlags(["-mfloat-abi=soft", "-ffreestanding", "-fno-builtin", "-Os"])]
        ),
        .target(name: "Loader", dependencies: ["LoaderSupport"], swiftSettings: embedded),
    ]
)
