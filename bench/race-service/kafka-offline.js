// osls 4 only loads local plugins from inside the service directory: the emulator package (lib/offline).
module.exports = require('../../lib/offline');
