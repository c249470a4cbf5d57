import FirmwareImage
import LoaderFile
import Programmer
import VirtualTime

/// A whole programming session on a mutated loader: 64 bytes across a page boundary, a small
/// instruction and time budget per call, no second run on zeroed RAM.
let image = FirmwareImage(segments: [Segment(address: 0x9000_00E0, bytes: (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37) })])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSession(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))
    guard let loader = try? LoaderFile(bytes: bytes, name: "IS25LP512M_STM32U5G7.stldr") else { return 0 }
    var options = SessionOptions()
    options.maxInstructionsPerCall = 300_000
    options.hostSecondsPerCall = 2
    options.diagnoseUninitializedRAM = false
    options.timeouts.initialize = .seconds(0.5)
    options.timeouts.write = .seconds(0.5)
    options.timeouts.sectorErase = .seconds(1)
    options.timeouts.sectorEraseIncrement = .seconds(0)
    options.timeouts.massErase = .seconds(1)
    options.timeouts.other = .seconds(0.5)
    guard let session = try? ProgrammerSession(loader: loader, image: image, imageName: "fuzz.hex", options: options) else { return 0 }
    let report = session.run()
    _ = report.text()
    _ = report.json()
    return 0
}
