vendor/deep/skip.js
