declare module 'make-fetch-happen';
