// The floor: a handler that imports nothing. Its cold start is Node.js's own.
export const handler = async (event) => event.Records.length;
