/// Which pin can carry which OCTOSPIM port signal, with which alternate function.
///
/// From the STM32U5G9ZJTxQ pin-control table (zephyr hal_stm32
/// `dts/st/u5/stm32u5g9zjtxq-pinctrl.dtsi`, quoted in shared/reference/stm32u5.md §B.5);
/// the U5G7 shares the die. Other packages bond more pins; a pin not listed here is
/// refused rather than guessed.
public enum OCTOSPIMPinMap {
    public struct Entry: Hashable, Sendable {
        public let port: Int
        public let signal: FlashSignal
        public let pin: Pin
        public let alternateFunction: Int
    }

    public static let entries: [Entry] = {
        func e(_ port: Int, _ s: FlashSignal, _ pin: String, _ af: Int) -> Entry {
            Entry(port: port, signal: s, pin: Pin(pin)!, alternateFunction: af)
        }
        return [
            e(1, .clk, "PA3", 10), e(1, .clk, "PB10", 10), e(1, .clk, "PE10", 10),
            e(1, .ncs, "PA2", 10), e(1, .ncs, "PA4", 3), e(1, .ncs, "PB11", 10), e(1, .ncs, "PC11", 5), e(1, .ncs, "PE11", 10),
            e(1, .io0, "PB1", 10), e(1, .io0, "PE12", 10),
            e(1, .io1, "PB0", 10), e(1, .io1, "PE13", 10),
            e(1, .io2, "PA7", 10), e(1, .io2, "PE14", 10),
            e(1, .io3, "PA6", 10), e(1, .io3, "PE15", 10),
            // Port 2 on this package has no CLK or IO3 bonded: a quad flash cannot sit there.
            e(2, .ncs, "PA0", 10), e(2, .ncs, "PA12", 6), e(2, .ncs, "PD3", 10), e(2, .ncs, "PG12", 5),
            e(2, .io0, "PF0", 5), e(2, .io0, "PI3", 6),
            e(2, .io1, "PF1", 5), e(2, .io1, "PI2", 6),
            e(2, .io2, "PF2", 5), e(2, .io2, "PI1", 6),
        ]
    }()

    /// The alternate function that puts `signal` of OCTOSPIM `port` on `pin`, if any.
    public static func alternateFunction(port: Int, signal: FlashSignal, pin: Pin) -> Int? {
        entries.first { $0.port == port && $0.signal == signal && $0.pin == pin }?.alternateFunction
    }

    public static func pins(port: Int, signal: FlashSignal) -> [Entry] {
        entries.filter { $0.port == port && $0.signal == signal }
    }
}
