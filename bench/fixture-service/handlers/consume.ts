// The same consumer as the emulator bench's (it names its output file from the function's name).
export { handler } from '../../emulator-service/handlers/consume';
