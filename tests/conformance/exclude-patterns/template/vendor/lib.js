vendor/lib.js
