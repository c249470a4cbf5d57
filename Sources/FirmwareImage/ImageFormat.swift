/// The file formats a firmware image can come in.
public enum ImageFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    case srec
    case intelHex = "ihex"
    case binary
    case elf

    public var description: String {
        switch self {
        case .srec: "Motorola S-record"
        case .intelHex: "Intel HEX"
        case .binary: "raw binary"
        case .elf: "ELF"
        }
    }

    /// The format by file name extension alone.
    public static func byExtension(of name: String) -> ImageFormat? {
        guard let dot = name.lastIndex(of: "."), !name[dot...].contains("/") else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "hex", "ihex", "ihx", "h86", "a43": return .intelHex
        case "srec", "s19", "s28", "s37", "mot", "mhx", "sx", "s": return .srec
        case "elf", "axf", "out", "stldr": return .elf
        case "bin": return .binary
        default: return nil
        }
    }

    /// The format by content, else by extension.
    ///
    /// A `.bin` file is always raw binary (its bytes can begin with anything). Otherwise the
    /// content decides: the ELF magic, `:` followed by a hex digit, or `S` followed by a digit
    /// and hex digits. Only when the content is not recognisable does the extension decide,
    /// so that a HEX file saved as `.txt` or an ELF saved as `.hex` still reads correctly.
    public static func detect(bytes: [UInt8], name: String) -> ImageFormat? {
        let byName = byExtension(of: name)
        if byName == .binary { return .binary }
        if bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) { return .elf }
        let text = bytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        let head = Array(text.prefix(4))
        if head.count >= 2, head[0] == UInt8(ascii: ":"), isHexDigit(head[1]) { return .intelHex }
        if head.count >= 4, head[0] | 0x20 == UInt8(ascii: "s"), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(head[1]),
           isHexDigit(head[2]), isHexDigit(head[3]) {
            return .srec
        }
        return byName
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(c)
            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(c)
    }
}
