/// Which pin can carry which OCTOSPIM port signal, with which alternate function, per MCU
/// line (`MCUDescription.pinTable`). The static functions answer for the STM32U5G7/G9, the
/// board of schema-1 files.
public enum OCTOSPIMPinMap {
    public struct Entry: Hashable, Sendable {
        public let port: Int
        public let signal: FlashSignal
        public let pin: Pin
        public let alternateFunction: Int

        public init(port: Int, signal: FlashSignal, pin: Pin, alternateFunction: Int) {
            self.port = port
            self.signal = signal
            self.pin = pin
            self.alternateFunction = alternateFunction
        }
    }

    public static var entries: [Entry] { MCUDescription.stm32u5f7.pinTable }

    /// The alternate function that puts `signal` of OCTOSPIM `port` on `pin`, if any.
    public static func alternateFunction(port: Int, signal: FlashSignal, pin: Pin) -> Int? {
        MCUDescription.stm32u5f7.alternateFunction(port: port, signal: signal, pin: pin)
    }

    public static func pins(port: Int, signal: FlashSignal) -> [Entry] {
        MCUDescription.stm32u5f7.pins(port: port, signal: signal)
    }
}
