/// What a busy period of the flash is doing, as events print it: "Page Program 02h at
/// 0x0001_0000", "Chip Erase C7h".
///
/// Kept as its parts (the command's name, opcode and address) and formatted only when
/// printed: the flash starts a busy period for every page program, and building the string
/// each time cost more than the rest of the page program's model.
///
/// Two labels are equal when their texts are. Labels built from parts compare the parts:
/// the address suffix (" at 0x" and 9 characters) and the opcode suffix (" XXh") have fixed
/// lengths, so two texts are the same exactly when the three parts are.
public struct FlashOperationLabel: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The command's name, or the whole text of a label given as text.
    private let name: String
    /// Nil for a label given as text.
    private let opcode: UInt8?
    private let address: UInt32?

    /// "Name XXh" (as `FlashCommand.description`), with " at 0x…" when `address` is given.
    init(command: FlashCommand, address: UInt32? = nil) {
        name = command.name
        opcode = command.opcode
        self.address = address
    }

    public init(_ text: String) {
        name = text
        opcode = nil
        address = nil
    }

    public init(stringLiteral text: String) {
        self.init(text)
    }

    public var description: String {
        guard let opcode else { return name }
        let command = "\(name) \(hex2(opcode))h"
        guard let address else { return command }
        return "\(command) at \(flashAddress(address))"
    }

    public static func == (a: FlashOperationLabel, b: FlashOperationLabel) -> Bool {
        if let x = a.opcode, let y = b.opcode {
            return x == y && a.address == b.address && a.name == b.name
        }
        return a.description == b.description
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(description)
    }
}
