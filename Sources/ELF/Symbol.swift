/// One `.symtab` entry with its name resolved through the linked string table.
public struct Symbol: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case none, object, function, section, file, other(UInt8)

        init(raw: UInt8) {
            switch raw {
            case 0: self = .none
            case 1: self = .object
            case 2: self = .function
            case 3: self = .section
            case 4: self = .file
            default: self = .other(raw)
            }
        }

        public var raw: UInt8 {
            switch self {
            case .none: 0
            case .object: 1
            case .function: 2
            case .section: 3
            case .file: 4
            case .other(let raw): raw
            }
        }
    }

    public enum Binding: Equatable, Sendable {
        case local, global, weak, other(UInt8)

        init(raw: UInt8) {
            switch raw {
            case 0: self = .local
            case 1: self = .global
            case 2: self = .weak
            default: self = .other(raw)
            }
        }

        public var raw: UInt8 {
            switch self {
            case .local: 0
            case .global: 1
            case .weak: 2
            case .other(let raw): raw
            }
        }
    }

    public static let size = 16
    /// SHN_UNDEF: the symbol is not defined in this file.
    public static let sectionUndefined: UInt16 = 0
    /// SHN_ABS: the value is an absolute number, not an address in a section.
    public static let sectionAbsolute: UInt16 = 0xFFF1

    public var name: String
    public var value: UInt32
    public var size: UInt32
    public var kind: Kind
    public var binding: Binding
    public var sectionIndex: UInt16
    /// Where the entry sits in the file, for evidence in findings.
    public var fileOffset: Int

    public init(name: String, value: UInt32, size: UInt32, kind: Kind, binding: Binding, sectionIndex: UInt16, fileOffset: Int) {
        self.name = name
        self.value = value
        self.size = size
        self.kind = kind
        self.binding = binding
        self.sectionIndex = sectionIndex
        self.fileOffset = fileOffset
    }

    public var isDefined: Bool { sectionIndex != Self.sectionUndefined }
    public var isGlobal: Bool { binding == .global || binding == .weak }
    /// Thumb function addresses carry bit 0 (AAELF32 §5.5.3); the code itself starts at the even address.
    public var codeAddress: UInt32 { kind == .function ? value & ~1 : value }
}
