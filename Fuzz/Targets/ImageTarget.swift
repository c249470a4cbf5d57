import FirmwareImage

/// The Intel HEX and S-record readers (and the segment assembler): the first byte picks the
/// reader, the rest is the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImage(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let all = UnsafeRawBufferPointer(start: data, count: size)
    let bytes = Array(all[1...])
    let format: ImageFormat = all[0] & 1 == 0 ? .intelHex : .srec
    if let image = try? FirmwareImage(bytes: bytes, name: "fuzz", format: format) {
        _ = image.byteCount
        _ = IntelHexWriter.encode(image)
    }
    return 0
}
