// The same bench function as the emulator's plain service.
module.exports = require('../emulator-plain/handler');
